#!/usr/bin/env bash
# Makes this Debian/Ubuntu machine a BankID Kiosk terminal: at boot, tty1 runs the kiosk full
# screen under the cage Wayland compositor, as the unprivileged account "kiosk", restarted
# whenever it exits. Safe to run again (every step checks before it changes anything).
#
#   sudo ./install-kiosk-session.sh [--deb bankid-kiosk_1.0.0_amd64.deb] [--user kiosk] [--start]
#   sudo ./install-kiosk-session.sh --remove          # back to a login prompt on tty1
#
# Steps: install the .deb (if given) and cage; create the account; install the PAM file and the
# systemd unit beside this script; create /etc/bankid-kiosk and protect its secrets (protect-secrets.sh);
# disable the login prompt on tty1; enable the unit (start it with --start; otherwise at the next boot).
# See docs/deployment.md, "Linux".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kiosk_user=kiosk
deb=''
start=false
remove=false
app='/opt/BankID Kiosk/bankid-kiosk'
config_dir=/etc/bankid-kiosk
unit=/etc/systemd/system/bankid-kiosk.service
pam=/etc/pam.d/bankid-kiosk

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
say() { printf '==> %s\n' "$*"; }
die() { printf 'install-kiosk-session: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --user) [ $# -ge 2 ] || die '--user needs a name'; kiosk_user="$2"; shift 2 ;;
    --deb) [ $# -ge 2 ] || die '--deb needs a file'; deb="$2"; shift 2 ;;
    --start) start=true; shift ;;
    --remove) remove=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die 'run as root (sudo)'
[[ "$kiosk_user" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || die "not a valid account name: $kiosk_user"
command -v systemctl >/dev/null || die 'systemd is required'

if $remove; then
  say 'Removing the kiosk session'
  systemctl disable --now bankid-kiosk.service 2>/dev/null || true
  rm -f "$unit" "$pam"
  systemctl daemon-reload
  systemctl enable getty@tty1.service
  say "Done. tty1 shows a login prompt again after a reboot. The account $kiosk_user, $config_dir and the app stay."
  exit 0
fi

# ---- the app and the compositor ----
if [ -n "$deb" ]; then
  [ -f "$deb" ] || die "no such file: $deb"
  say "Installing $deb"
  apt-get install -y "$(realpath "$deb")"
fi
[ -x "$app" ] || die "$app is missing: install the .deb first (or pass --deb FILE)"
if ! command -v cage >/dev/null; then
  say 'Installing cage (Wayland kiosk compositor)'
  apt-get update
  apt-get install -y cage
fi

# ---- the account ----
if id "$kiosk_user" >/dev/null 2>&1; then
  say "Account $kiosk_user exists"
else
  say "Creating the account $kiosk_user (no password, no login shell)"
  # A regular account (not --system): logind gives its session the seat's screen and input devices.
  useradd --create-home --user-group --shell /usr/sbin/nologin --comment 'BankID Kiosk' "$kiosk_user"
fi
for group in video render; do
  if getent group "$group" >/dev/null; then usermod -a -G "$group" "$kiosk_user"; fi
done

# ---- settings folder: root-owned; secrets readable by the kiosk account only ----
install -d -o root -g root -m 0755 "$config_dir"
if [ ! -f "$config_dir/settings.json" ]; then
  say "No $config_dir/settings.json yet: copy ../settings.example.json there and edit it (the kiosk stays out of service until then)"
fi
# settings.json and kiosk.env root-only writable; every other file there, and every file the
# settings name, root:$kiosk_user 0640. Run protect-secrets.sh again after adding a file.
protect_status=0
bash "$here/protect-secrets.sh" "$config_dir" "$kiosk_user" || protect_status=$?
case "$protect_status" in
  0) ;;
  2) printf 'install-kiosk-session: some files could not be protected (see above); fix them and run %s again\n' \
    "$here/protect-secrets.sh $config_dir $kiosk_user" >&2 ;;
  *) die "protect-secrets.sh failed ($protect_status)" ;;
esac

# ---- PAM session and systemd unit ----
install -o root -g root -m 0644 "$here/pam.d-bankid-kiosk" "$pam"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
sed -e "s/^User=kiosk\$/User=$kiosk_user/" -e "s/^Group=kiosk\$/Group=$kiosk_user/" \
  "$here/bankid-kiosk.service" >"$tmp"
install -o root -g root -m 0644 "$tmp" "$unit"
systemctl daemon-reload

# ---- tty1: the kiosk instead of a login prompt ----
systemctl disable getty@tty1.service 2>/dev/null || true
systemctl set-default graphical.target
systemctl enable bankid-kiosk.service

if $start; then
  say 'Starting the kiosk on tty1'
  systemctl restart bankid-kiosk.service
else
  say 'Enabled: the kiosk starts on tty1 at the next boot (or now: systemctl start bankid-kiosk)'
fi
home="$(getent passwd "$kiosk_user" | cut -d: -f6)"
say "Logs: journalctl -u bankid-kiosk (the session), $home/.config/BankID Kiosk/logs/kiosk.log (the kiosk)"

#!/usr/bin/env bash
# Sets the owners and modes of the kiosk's settings folder, so that its secrets are readable only by
# root and the kiosk account. install-kiosk-session.sh runs it; run it again after adding or
# replacing a file (a new certificate, a hand-off or heartbeat secret):
#
#   sudo ./protect-secrets.sh /etc/bankid-kiosk kiosk
#
#   CONFIG_DIR/settings.json   root:root 0644 (the kiosk reads it; it never holds a secret)
#   CONFIG_DIR/kiosk.env       root:root 0600 (systemd reads it before it starts the kiosk)
#   every other file in CONFIG_DIR, and every file settings.json names (bankid.certificate.*,
#   bankid.passphrase.file, bankid.ca, handoff.secret.file, handoff.certificate.*,
#   handoff.passphrase.file, handoff.ca, health.heartbeat.secret.file, health.heartbeat.ca;
#   relative paths are relative to CONFIG_DIR):   root:GROUP 0640
#
# Symbolic links are never followed: a link (or a named file reached through one) is reported and
# left alone. So is a named file in a folder that accounts other than root can change. A named file
# outside CONFIG_DIR is protected too, and reported; a named file that does not exist is reported.
# Exit status: 0 done; 1 wrong arguments or an unsafe CONFIG_DIR (nothing changed); 2 done, but a
# file could not be protected (see the messages).
set -euo pipefail

say() { printf '==> %s\n' "$*"; }
warn() { printf 'protect-secrets: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -eq 2 ] || die 'usage: protect-secrets.sh CONFIG_DIR GROUP (see --help)'
[ "$(id -u)" -eq 0 ] || die 'run as root (sudo)'
[ -d "$1" ] || die "not a folder: $1"
getent group "$2" >/dev/null || die "no such group: $2"
config_dir="$(realpath -e -- "$1")"
group="$2"
problems=0

# The settings keys that name a file. handoff.certificate.cert and .key are not accepted by the
# kiosk today (the hand-off certificate is PKCS#12 only); they are listed so that they stay covered
# if they ever are. health.file is deliberately absent: the kiosk writes it and monitoring reads it.
named_keys=(
  bankid.ca bankid.certificate.pkcs12 bankid.certificate.cert bankid.certificate.key
  bankid.passphrase.file
  handoff.secret.file handoff.certificate.pkcs12 handoff.certificate.cert handoff.certificate.key
  handoff.passphrase.file handoff.ca
  health.heartbeat.secret.file health.heartbeat.ca
)

# True when only root can add, remove or rename entries in $1 and in every folder above it: owned
# by root and not writable by group or others, unless sticky (like /tmp, where others cannot rename
# root's entries). Only then can nobody swap a checked file for a link before chown/chmod run.
only_root_can_change() {
  local dir="$1" owner mode
  while :; do
    read -r owner mode < <(stat -c '%u %a' -- "$dir")
    [ "$owner" = 0 ] || return 1
    if (((8#$mode & 8#022) != 0 && (8#$mode & 8#1000) == 0)); then return 1; fi
    [ "$dir" = / ] && return 0
    dir="$(dirname -- "$dir")"
  done
}

only_root_can_change "$config_dir" ||
  die "$config_dir (or a folder above it) can be changed by accounts other than root: make it root:root 0755 first"

set_mode() { # FILE OWNER MODE (the mode first: never readable by more accounts than before)
  chmod -- "$3" "$1"
  chown -- "$2" "$1"
  say "Protected $1 ($2 $3)"
}

# The settings file and systemd's environment file: owned by root, never by the kiosk's group.
for own in settings.json:0644 kiosk.env:0600; do
  file="$config_dir/${own%%:*}"
  if [ -L "$file" ]; then
    warn "$file is a symbolic link: not followed, left as it is (put the file itself there)"
    problems=1
  elif [ -f "$file" ]; then
    set_mode "$file" root:root "${own##*:}"
  fi
done

declare -A done_files=()

# Protects one file, found in the folder or named by a setting (whose name is in $2 for messages).
protect() { # FILE [SETTING]
  local file="$1" what="${2:+$2: }" real
  [ -z "${done_files[$file]:-}" ] || return 0 # in the folder and named too, or named twice
  if [ -L "$file" ]; then
    warn "${what}$file is a symbolic link: not followed, left as it is (put the file itself there)"
    problems=1
    return
  fi
  if [ ! -e "$file" ]; then
    warn "${what}$file does not exist (nothing to protect; the kiosk stays out of service until it does)"
    return
  fi
  real="$(realpath -e -- "$file")"
  if [ "$real" != "$file" ]; then
    warn "${what}$file is reached through a symbolic link ($real): not followed, left as it is"
    problems=1
    return
  fi
  if [ ! -f "$file" ]; then
    warn "${what}$file is not a regular file: left as it is"
    problems=1
    return
  fi
  case "$file" in
    "$config_dir/settings.json" | "$config_dir/kiosk.env")
      warn "${what}names $file, which is not a secret file: left as it is"
      problems=1
      return
      ;;
  esac
  if ! only_root_can_change "$(dirname -- "$file")"; then
    warn "${what}$file is in a folder that accounts other than root can change: left as it is (move it into $config_dir)"
    problems=1
    return
  fi
  set_mode "$file" "root:$group" 0640
  done_files[$file]=1
}

# ---- every other file in the folder (not its subfolders: named files there are covered below) ----
shopt -s nullglob dotglob
for file in "$config_dir"/*; do
  case "${file##*/}" in settings.json | kiosk.env) continue ;; esac
  if [ -L "$file" ] || [ -f "$file" ]; then protect "$file"; fi
done
shopt -u nullglob dotglob

# ---- the files settings.json names ----
# Each parser prints one line per named file: "OK<tab>key<tab>path" or "BAD<tab>key<tab>reason".
# The kiosk machine has no Node, and jq is not installed by default; python3 usually is. Without
# python3, a small awk tokenizer stands in: it follows the nesting of { } so that it reports exactly
# the keys above (a plain grep for "file": would also catch health.file), but it does not decode
# escapes other than \\ and \/ (a path with \" or \u is reported, not guessed), and it does not
# check that the file is valid JSON (the kiosk itself does that when it starts).
parse_with_python() {
  python3 -c '
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8-sig") as f:
        settings = json.load(f)
except (OSError, ValueError) as error:
    print("settings.json could not be read as JSON: %s" % error, file=sys.stderr)
    sys.exit(3)
out = sys.stdout.buffer
for key in sys.argv[2:]:
    node = settings
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        continue
    if not isinstance(node, str) or node == "":
        line = "BAD\t%s\tis not the path of a file" % key
    elif any(c in node for c in "\t\n\r\0"):
        line = "BAD\t%s\tthe path holds a tab or line break, which this script does not support" % key
    else:
        line = "OK\t%s\t%s" % (key, node)
    out.write((line + "\n").encode("utf-8", "surrogateescape"))
' "$1" "${named_keys[@]}"
}

parse_with_awk() {
  awk -v wanted="${named_keys[*]}" '
    BEGIN { n = split(wanted, list, " "); for (i = 1; i <= n; i++) want[list[i]] = 1 }
    { text = text $0 "\n" }
    END {
      len = length(text); depth = 0
      for (i = 1; i <= len; i++) {
        c = substr(text, i, 1)
        if (c == "{") { depth++; kind[depth] = "object"; key[depth] = ""; expect_key[depth] = 1 }
        else if (c == "[") { depth++; kind[depth] = "list"; key[depth] = "[]"; expect_key[depth] = 0 }
        else if (c == "}" || c == "]") { depth-- }
        else if (c == ",") { if (kind[depth] == "object") expect_key[depth] = 1 }
        else if (c == ":") { expect_key[depth] = 0 }
        else if (c == "\"") {
          str = ""; unsupported = 0
          for (i++; i <= len; i++) {
            c = substr(text, i, 1)
            if (c == "\"") break
            if (c == "\\") {
              i++; c = substr(text, i, 1)
              if (c != "\\" && c != "/") unsupported = 1
            }
            str = str c
          }
          if (depth < 1 || kind[depth] != "object") continue
          if (expect_key[depth]) { key[depth] = str; continue }
          path = key[1]; for (d = 2; d <= depth; d++) path = path "." key[d]
          if (!(path in want)) continue
          if (unsupported) print "BAD\t" path "\tthe path holds an escape (\\\" or \\u...) that this script does not decode: install python3, or write the path without it"
          else if (str == "" || str ~ /[\t\r]/) print "BAD\t" path "\tis not a path this script supports"
          else print "OK\t" path "\t" str
        }
      }
    }' "$1"
}

settings="$config_dir/settings.json"
if [ ! -f "$settings" ] || [ -L "$settings" ]; then
  warn "no $settings to read: only the files in $config_dir were protected"
  exit "$((problems ? 2 : 0))"
fi
# PROTECT_SECRETS_PARSER=awk uses the stand-in even where python3 is installed (the tests do).
parsed=true
if command -v python3 >/dev/null && [ "${PROTECT_SECRETS_PARSER:-}" != awk ]; then
  named="$(parse_with_python "$settings")" || parsed=false
else
  named="$(parse_with_awk "$settings")" || parsed=false
fi
if ! $parsed; then
  warn "the files settings.json names were not checked"
  exit 2
fi

while IFS=$'\t' read -r status key value; do
  [ -n "$status" ] || continue
  if [ "$status" != OK ]; then
    warn "$key: $value: left as it is"
    problems=1
    continue
  fi
  case "$value" in /*) path="$value" ;; *) path="$config_dir/$value" ;; esac
  # Lexically, without following links ("a/../b" is "b"): links are dealt with in protect.
  path="$(realpath -m -s -- "$path")"
  case "$path" in
    "$config_dir"/*) ;;
    *) warn "$key: $path is outside $config_dir: keep secrets in the settings folder" ;;
  esac
  protect "$path" "$key"
done <<<"$named"

exit "$((problems ? 2 : 0))"

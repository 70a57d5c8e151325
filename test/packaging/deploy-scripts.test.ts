// deploy/: the scripts and files IT runs on the kiosks. Windows PowerShell cannot run here (no pwsh
// on the development machines), so the .ps1 files are checked by reading them: the parts that make
// them safe to run unattended. The shell scripts get `bash -n` (and shellcheck where installed),
// protect-secrets.sh is run on temporary folders (Linux, as root), the systemd unit is parsed, and
// the settings example goes through the kiosk's own settings check.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkSettings } from '../../src/main/settings/load'
import { root } from './support'

const deploy = join(root, 'deploy')
const read = (path: string): string => readFileSync(join(deploy, path), 'utf8')

/** A systemd unit file as section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header) {
      current = new Map()
      sections.set(header[1] as string, current)
      continue
    }
    const pair = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line)
    if (!pair || !current) throw new Error(`not a unit-file line: ${line}`)
    const [, key, value] = pair as unknown as [string, string, string]
    current.set(key, [...(current.get(key) ?? []), value])
  }
  return sections
}

/** systemd's word splitting for ExecStart: double quotes group words. */
const splitCommand = (line: string): string[] =>
  [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => (match[1] ?? match[2]) as string)

/**
 * The settings that name a file, from docs/settings.md (generated from the settings schema, so a
 * new one shows up here), less health.file: the kiosk writes that one and monitoring reads it.
 */
function secretFileSettings(): string[] {
  const docs = readFileSync(join(root, 'docs', 'settings.md'), 'utf8')
  const names: string[] = []
  for (const section of docs.split(/^### /m).slice(1)) {
    const name = /^`([^`]+)`/.exec(section)?.[1]
    if (name !== undefined && section.includes('**Rule:** must be the path of a file.')) names.push(name)
  }
  return names.filter((name) => name !== 'health.file')
}

/** The dotted setting names in a list in a script: PowerShell's `$x = @(` … `)` or bash's `x=(` … `)`. */
const listedIn = (text: string, start: RegExp): string[] => {
  const body = new RegExp(`${start.source}([\\s\\S]*?)\\n\\)`).exec(text)?.[1] ?? ''
  return body.match(/[a-z]+(?:\.[a-z0-9]+)+/gi) ?? []
}

describe('deploy/windows PowerShell scripts (read, not run: no PowerShell here)', () => {
  const scripts = ['windows/Install-Kiosk.ps1', 'windows/Set-KioskLockdown.ps1']

  it.each(scripts)('%s runs strict, stops on the first error, needs an administrator and supports -WhatIf', (path) => {
    const text = read(path)
    expect(text).toMatch(/^#Requires -Version 5\.1$/m)
    expect(text).toMatch(/^#Requires -RunAsAdministrator$/m)
    expect(text).toMatch(/\[CmdletBinding\(SupportsShouldProcess = \$true[^\]]*\)\]\s*param\(/)
    expect(text).toMatch(/^Set-StrictMode -Version Latest$/m)
    expect(text).toMatch(/^\$ErrorActionPreference = 'Stop'$/m)
    expect(text).toContain('$PSCmdlet.ShouldProcess(')
    expect(text).toContain('if (-not [Environment]::Is64BitProcess) {') // else: Program Files (x86), 32-bit registry
    expect(text).toMatch(/\.SYNOPSIS[\s\S]+\.DESCRIPTION[\s\S]+\.EXAMPLE/)
  })

  it.each(scripts)('%s has balanced brackets and no "$name:" inside a string (a PowerShell parse error)', (path) => {
    const code = read(path).replace(/<#[\s\S]*?#>/g, '').replace(/^\s*#.*$/gm, '')
    for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
      expect(code.split(open).length, `${open}${close}`).toBe(code.split(close).length)
    }
    expect(code.match(/"[^"\n]*\$(?!env:)[A-Za-z_]\w*:(?![\w\\])[^"\n]*"/g) ?? []).toEqual([])
  })

  it.each(scripts)('%s contains no secret and never prints one', (path) => {
    const text = read(path)
    expect(text).not.toMatch(/(password|passphrase|secret)\s*=\s*['"][^'"$]+['"]/i)
    expect(text).not.toMatch(/Write-(Host|Output|Verbose)[^\n]*\$(plain|password|passphrase)\b/i)
    expect(text).not.toMatch(/ConvertFrom-SecureString|-AsPlainText[^\n]*Write-/i)
  })

  it('Install-Kiosk.ps1 installs silently per machine and locks the settings folder down by well-known SIDs', () => {
    const text = read('windows/Install-Kiosk.ps1')
    expect(text).toContain("@('/S', '/allusers')")
    expect(text).toMatch(/'\/i', .*'\/qn'/)
    expect(text).toContain('SetAccessRuleProtection($true, $false)')
    for (const sid of ['S-1-5-18', 'S-1-5-32-544', 'S-1-5-32-545']) expect(text).toContain(sid)
    expect(text).toMatch(/\$SidUsers 'ReadAndExecute'/)
    // Secret files: created and protected before the secret is written into them.
    const protectAt = text.indexOf('New-ProtectedEmptyFile $PassphraseTarget')
    expect(protectAt).toBeGreaterThan(0)
    expect(text.indexOf('WriteAllText($PassphraseTarget', protectAt)).toBeGreaterThan(protectAt)
    expect(text).toContain('UTF8Encoding $false') // no byte-order mark in the passphrase file
  })

  it('Set-KioskLockdown.ps1 configures Shell Launcher v2 for the kiosk account, the Ctrl+Alt+Del policies, and can undo', () => {
    const text = read('windows/Set-KioskLockdown.ps1')
    expect(text).toContain("-Namespace 'root\\cimv2\\mdm\\dmmap' -ClassName 'MDM_AssignedAccess'")
    expect(text).toContain('http://schemas.microsoft.com/ShellLauncher/2019/Configuration')
    expect(text).toContain('V2:AppType="Desktop"')
    expect(text).toContain('<DefaultAction Action="RestartShell"/>')
    expect(text).toContain('<Shell Shell="%SystemRoot%\\explorer.exe"/>') // everyone else keeps the desktop
    expect(text).toMatch(/--settings "\{1\}"/)
    for (const policy of ['DisableTaskMgr', 'DisableLockWorkstation', 'DisableChangePassword', 'NoLogoff', 'HideFastUserSwitching']) {
      expect(text).toMatch(new RegExp(`^\\s+${policy}\\s+= 1`, 'm'))
    }
    expect(text).toMatch(/\[switch\] \$Undo/)
    expect(text).toContain("Set-ShellLauncher ''")
    expect(text).toContain('IsSystem')
    // The auto-logon password goes to the LSA secret; a clear-text DefaultPassword value is deleted.
    expect(text).toContain("[BankIdKiosk.LsaSecret]::Store('DefaultPassword', $Password)")
    expect(text).toContain("$key.DeleteValue('DefaultPassword', $false)")
    expect(text).not.toMatch(/SetValue\('DefaultPassword'/)
  })

  it('Install-Kiosk.ps1 protects every file settings.json names, and every other file in the settings folder', () => {
    const text = read('windows/Install-Kiosk.ps1')
    const listed = listedIn(text, /\$SecretFileSettings = @\(/)
    expect(secretFileSettings().length).toBeGreaterThanOrEqual(11)
    for (const name of secretFileSettings()) expect(listed, name).toContain(name)
    expect(listed).not.toContain('health.file')
    // Parsed as JSON (read as UTF-8), each setting looked up and resolved against the settings folder.
    expect(text).toContain('[System.IO.File]::ReadAllText($Path, (New-Object System.Text.UTF8Encoding $false)) | ConvertFrom-Json')
    expect(text).toContain('foreach ($name in $SecretFileSettings) {')
    expect(text).toContain('$value = Get-SettingValue $settings $name')
    expect(text).toContain('$node.PSObject.Properties[$part]') // strict mode: no error for a setting left out
    expect(text).toContain('[System.IO.Path]::GetFullPath([System.IO.Path]::Combine($ConfigDir, $value))')
    // The folder's own files (not subfolders), less the settings file and its backup.
    expect(text).toContain('Get-ChildItem -LiteralPath $ConfigDir -File -Force')
    expect(text).toContain("if ($file.Name -eq 'settings.json' -or $file.Name -eq 'settings.json.bak') { continue }")
    // Each of them gets Protect-SecretFile, under -WhatIf's ShouldProcess, unless it is a link.
    expect(text).toMatch(
      /\$PSCmdlet\.ShouldProcess\(\$path, '[^']+'\)\) \{\s+try \{\s+Protect-SecretFile \$path\s/,
    )
    expect(text).toContain('[System.IO.FileAttributes]::ReparsePoint')
    expect(text).toContain('is outside ${ConfigDir}: keep secrets in the settings folder.')
    expect(text).toMatch(/does not exist \(nothing to protect/)
    // After settings.json, the certificate and the passphrase are in place.
    const protectAt = text.indexOf('Protect-AllSecretFiles $settingsToRead')
    expect(protectAt).toBeGreaterThan(text.indexOf('Copy-Item -LiteralPath $SettingsTemplate -Destination $SettingsFile'))
    expect(protectAt).toBeGreaterThan(text.indexOf('Write-Step "Passphrase file: $PassphraseTarget"'))
  })

  it('Set-KioskLockdown.ps1 turns the accessibility shortcuts off for the kiosk account, and -Undo writes the defaults back', () => {
    const text = read('windows/Set-KioskLockdown.ps1')
    const table = /\$UserAccessibility = @\(([\s\S]*?)\n\)/.exec(text)?.[1] ?? ''
    const rows = [...table.matchAll(/@\{ Key = '([^']+)'; Name = '(\w+)'; Kiosk = ('?)(\d+)\3; Default = ('?)(\d+)\5 \}/g)].map(
      ([, key, name, quote, kiosk, , fallback]) => ({ key, name, text: quote === "'", kiosk: Number(kiosk), fallback: Number(fallback) }),
    )
    expect(rows).toEqual([
      { key: 'Control Panel\\Accessibility\\StickyKeys', name: 'Flags', text: true, kiosk: 506, fallback: 510 },
      { key: 'Control Panel\\Accessibility\\Keyboard Response', name: 'Flags', text: true, kiosk: 122, fallback: 126 },
      { key: 'Control Panel\\Accessibility\\ToggleKeys', name: 'Flags', text: true, kiosk: 58, fallback: 62 },
      { key: 'Control Panel\\Accessibility\\HighContrast', name: 'Flags', text: true, kiosk: 122, fallback: 126 },
      { key: 'Control Panel\\Accessibility\\MouseKeys', name: 'Flags', text: true, kiosk: 58, fallback: 62 },
      { key: 'Software\\Microsoft\\Narrator\\NoRoam', name: 'WinEnterLaunchEnabled', text: false, kiosk: 0, fallback: 1 },
    ])
    for (const row of rows.filter((entry) => entry.name === 'Flags')) {
      expect(row.fallback & 4, row.key).toBe(4) // the default has "hotkey active"…
      expect(row.kiosk, row.key).toBe(row.fallback & ~4) // …and the kiosk's value is the default without it
    }
    expect(text).toContain('$kind = if ($value -is [string]) { [Microsoft.Win32.RegistryValueKind]::String }') // Flags are REG_SZ
    for (const policy of ['NoWinKeys', 'NoControlPanel']) expect(text).toMatch(new RegExp(`^\\s+${policy}\\s+= 1`, 'm'))
    // Set with the account's policies; -Undo removes the policies and writes Windows' defaults back.
    const undo = text.slice(text.indexOf('if ($Undo) {'), text.indexOf("Write-Step 'Done. Restart the PC.'"))
    const apply = text.slice(text.indexOf("Write-Step 'Done. Restart the PC.'"))
    expect(apply).toMatch(/Set-RegistryValues \$Root \$UserPolicies\s+Set-AccessibilityHotkeys \$Root 'Kiosk'/)
    expect(undo).toMatch(/Remove-RegistryValues \$Root \$UserPolicies\s+Set-AccessibilityHotkeys \$Root 'Default'/)
    expect(undo).not.toContain("'Kiosk'")
    // The help is honest about what is left.
    expect(text).toMatch(/Magnifier \(Windows\+Plus\) has no per-account off switch/)
    expect(text).toMatch(/accessibility button on the sign-in and\s+Ctrl\+Alt\+Del screens belongs to the machine/)
  })

  it('Set-KioskLockdown.ps1 -ApplicationAllowList: off by default; AppLocker Exe rules, enforced; AppIDSvc automatic; undone by -Undo', () => {
    const text = read('windows/Set-KioskLockdown.ps1')
    expect(text).toMatch(/^\s+\[switch\] \$ApplicationAllowList,$/m)
    expect(text).not.toMatch(/\$ApplicationAllowList\s*=/) // a switch with no default: off
    // The only call that installs rules is behind the switch.
    const installs = text.match(/Set-ApplicationAllowList \$\S+/g) ?? []
    expect(installs).toEqual(['Set-ApplicationAllowList $group.SID.Value)'])
    const gate = text.indexOf('if ($ApplicationAllowList -and $PSCmdlet.ShouldProcess(')
    expect(gate).toBeGreaterThan(0)
    expect(text.indexOf('Set-ApplicationAllowList $group.SID.Value', gate) - gate).toBeLessThan(600)
    // The rules: the kiosk folder for the kiosk group; Windows (less its user-writable folders) and
    // Program Files for everyone; everything for Administrators; Deny for the rest of Program Files
    // and Windows' shells and tools for the kiosk group.
    expect(text).toMatch(/\$AppLockerIdPrefix = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'/)
    expect(text).toContain("$id = '{0}{1:x12}' -f $AppLockerIdPrefix, $Index") // fixed GUIDs: a run again replaces them
    expect(text).toContain("$SidEveryoneText 'Allow' '%WINDIR%\\*' $WindowsWritableFolders")
    expect(text).toContain("$SidEveryoneText 'Allow' '%PROGRAMFILES%\\*'")
    expect(text).toContain("$SidAdministratorsText 'Allow' '*'")
    expect(text).toContain("$GroupSid 'Allow' $kioskFolder")
    expect(text).toContain("$GroupSid 'Deny' '%PROGRAMFILES%\\*' @($kioskFolder,")
    expect(text).toContain("$GroupSid 'Deny' $program")
    const denied = /\$KioskDeniedPrograms = @\(([\s\S]*?)\n\)/.exec(text)?.[1] ?? ''
    for (const program of ['cmd.exe', 'WindowsPowerShell\\*', 'wscript.exe', 'mshta.exe', 'regedit.exe', 'explorer.exe', 'Taskmgr.exe']) {
      expect(denied).toContain(program)
    }
    expect(text).toContain("'%WINDIR%\\Temp\\*'")
    expect(text).toContain('<FilePathRule Id="{0}" Name="{1}" Description="Set-KioskLockdown.ps1 -ApplicationAllowList" UserOrGroupSid="{2}" Action="{3}">{4}{5}</FilePathRule>')
    expect(text).toContain("RuleCollection[@Type='Exe']")
    expect(text).toContain("$exe.SetAttribute('EnforcementMode', 'Enabled')")
    expect(text).toContain('Set-AppLockerPolicy -XmlPolicy $file')
    expect(text).not.toMatch(/Set-AppLockerPolicy[^\n]*-Merge/)
    expect(text).toContain('& sc.exe config AppIDSvc start= $Start')
    expect(text).toContain("Set-AppIdServiceStart 'auto'")
    // -Undo removes exactly this script's rules (by their Id), and only then resets the service.
    const undo = text.slice(text.indexOf('if ($Undo) {'), text.indexOf("Write-Step 'Done. Restart the PC.'"))
    expect(undo).toContain("Set-ApplicationAllowList ''")
    expect(text).toContain("starts-with(translate(@Id, 'ABCDEF', 'abcdef'), '$AppLockerIdPrefix')")
    expect(text).toContain("$exe.SetAttribute('EnforcementMode', 'NotConfigured')")
    expect(text).toContain("Set-AppIdServiceStart 'demand'")
    // The help says what it needs and what is stronger.
    expect(text).toMatch(/\.PARAMETER ApplicationAllowList\s+Off unless given/)
    expect(text).toMatch(/AppLocker needs Windows Enterprise or Education/)
    expect(text).toMatch(/App Control for Business \(WDAC\)/)
  })
})

describe('deploy/linux', () => {
  const installer = join(deploy, 'linux', 'install-kiosk-session.sh')

  it.each(['install-kiosk-session.sh', 'protect-secrets.sh'])('%s passes bash -n (and shellcheck where installed)', (name) => {
    const script = join(deploy, 'linux', name)
    const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' })
    expect(syntax.stderr).toBe('')
    expect(syntax.status).toBe(0)
    const shellcheck = spawnSync('shellcheck', [script], { encoding: 'utf8' })
    if (shellcheck.error === undefined) expect(shellcheck.stdout).toBe('')
  })

  it('install-kiosk-session.sh leaves the settings folder to protect-secrets.sh, and goes on when a file could not be protected', () => {
    const text = readFileSync(installer, 'utf8')
    expect(text).toContain('bash "$here/protect-secrets.sh" "$config_dir" "$kiosk_user" || protect_status=$?')
    expect(text).toMatch(/^ {2}2\) printf /m)
    expect(text).toMatch(/^ {2}\*\) die "protect-secrets\.sh failed/m)
    expect(text).not.toContain('*.p12') // the old name patterns missed the hand-off and heartbeat secrets
  })

  it('install-kiosk-session.sh is strict, checks for root and is written to be re-run', () => {
    const text = readFileSync(installer, 'utf8')
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true)
    expect(text).toMatch(/^set -euo pipefail$/m)
    expect(text).toContain('[ "$(id -u)" -eq 0 ] || die')
    expect(text).toMatch(/if id "\$kiosk_user" >\/dev\/null 2>&1; then/) // only creates the account once
    expect(text).toMatch(/if ! command -v cage >\/dev\/null; then/)
    expect(text).toContain('systemctl disable getty@tty1.service')
    expect(text).toContain('systemctl enable bankid-kiosk.service')
  })

  it('install-kiosk-session.sh answers --help and refuses unknown options before changing anything', () => {
    const help = spawnSync('bash', [installer, '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('install-kiosk-session.sh')
    const wrong = spawnSync('bash', [installer, '--frobnicate'], { encoding: 'utf8' })
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain('unknown option --frobnicate')
  })

  it('bankid-kiosk.service runs the installed kiosk under cage on tty1, as "kiosk", restarting forever', () => {
    const unit = parseUnit(read('linux/bankid-kiosk.service'))
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install'])
    const service = unit.get('Service') as Map<string, string[]>
    const one = (key: string): string | undefined => service.get(key)?.[0]
    expect(one('User')).toBe('kiosk')
    expect(one('Restart')).toBe('always')
    expect(one('TTYPath')).toBe('/dev/tty1')
    expect(one('PAMName')).toBe('bankid-kiosk')
    expect(one('StandardInput')).toBe('tty-fail')
    expect(unit.get('Unit')?.get('Conflicts')).toEqual(['getty@tty1.service'])
    expect(unit.get('Unit')?.get('StartLimitIntervalSec')).toEqual(['0'])
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['graphical.target'])
    const command = splitCommand(one('ExecStart') ?? '')
    expect(command.slice(0, 3)).toEqual(['/usr/bin/cage', '-d', '--'])
    expect(command).not.toContain('-s') // no switching to another virtual terminal
    // electron-builder's deb: /opt/<productName>/<linux.executableName>
    expect(command[3]).toBe('/opt/BankID Kiosk/bankid-kiosk')
    expect(command.slice(4)).toEqual(['--ozone-platform=wayland', '--settings', '/etc/bankid-kiosk/settings.json'])
  })

  it('the PAM file opens a logind session', () => {
    expect(read('linux/pam.d-bankid-kiosk')).toMatch(/^session\s+required\s+pam_systemd\.so$/m)
  })
})

describe('deploy/linux/protect-secrets.sh', () => {
  const script = join(deploy, 'linux', 'protect-secrets.sh')
  const text = readFileSync(script, 'utf8')
  // It chowns: only root can, and only Linux has the group database it reads.
  const asRootOnLinux = process.platform === 'linux' && process.getuid?.() === 0
  const hasPython = spawnSync('python3', ['--version']).error === undefined
  const cleanup: string[] = []
  afterEach(() => {
    for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  /** An existing group other than root's (daemon on Debian and Ubuntu): the files must end up in it. */
  function otherGroup(): { name: string; gid: number } {
    const groups = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 3 && Number(fields[2]) > 0)
      .map(([name, , gid]) => ({ name: name as string, gid: Number(gid) }))
    const group = groups.find((entry) => entry.name === 'daemon') ?? groups[0]
    if (group === undefined) throw new Error('no group other than root in /etc/group')
    return group
  }

  const tempDir = (prefix: string): string => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
    cleanup.push(dir)
    return dir
  }
  const file = (path: string, mode = 0o644): string => {
    writeFileSync(path, 'x\n')
    chmodSync(path, mode)
    return path
  }
  const owner = (path: string): { mode: number; uid: number; gid: number } => {
    const stat = statSync(path)
    return { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid }
  }
  const run = (dir: string, group: string, parser: string) =>
    spawnSync('bash', [script, dir, group], { encoding: 'utf8', env: { ...process.env, PROTECT_SECRETS_PARSER: parser } })

  it('lists every setting that names a file, and not health.file', () => {
    const listed = listedIn(text, /named_keys=\(/)
    for (const name of secretFileSettings()) expect(listed, name).toContain(name)
    expect(listed).not.toContain('health.file')
  })

  it('answers --help, and refuses wrong arguments before changing anything', () => {
    const help = spawnSync('bash', [script, '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('protect-secrets.sh /etc/bankid-kiosk kiosk')
    const none = spawnSync('bash', [script], { encoding: 'utf8' })
    expect(none.status).toBe(1)
    expect(none.stderr).toContain('usage: protect-secrets.sh CONFIG_DIR GROUP')
  })

  it.skipIf(!asRootOnLinux).each([
    ['python3', hasPython ? 'python' : 'awk'],
    ['the awk stand-in (no python3)', 'awk'],
  ])(
    'makes every named file and every other file in the folder root:GROUP 0640, settings.json stays 0644, run twice (%s; Linux as root only: it chowns)',
    (_name, parser) => {
      const group = otherGroup()
      const dir = tempDir('protect-secrets-')
      const outside = tempDir('protect-secrets-outside-')
      const settings = {
        bankid: { environment: 'production', certificate: { pkcs12: 'rp.p12' }, passphrase: { file: 'rp-passphrase.txt' } },
        handoff: {
          enabled: true,
          url: 'https://portal.example-skola.se/kiosk-login',
          auth: 'hmac',
          secret: { file: 'handoff-secret.txt' },
          ca: 'kommun-root-ca.pem',
          passphrase: { file: 'missing-passphrase.txt' }, // named, not there: reported, not fatal
        },
        health: {
          file: join(outside, 'health.json'), // written by the kiosk, read by monitoring: not a secret
          heartbeat: {
            url: 'https://monitor.example-skola.se/kiosk-heartbeat',
            secret: { file: 'heartbeat-secret.txt' },
            ca: join(outside, 'monitoring-ca.pem'), // outside the folder: protected, and reported
          },
        },
        banks: ['Nordea', 'SEB'],
      }
      writeFileSync(join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`)
      chmodSync(join(dir, 'settings.json'), 0o644)
      const named = ['rp.p12', 'rp-passphrase.txt', 'handoff-secret.txt', 'heartbeat-secret.txt', 'kommun-root-ca.pem']
      const secrets = [...named, 'notes.txt'].map((name) => file(join(dir, name)))
      const kioskEnv = file(join(dir, 'kiosk.env'))
      const outsideCa = file(join(outside, 'monitoring-ca.pem'))
      const health = file(join(outside, 'health.json'))
      const unrelated = file(join(outside, 'unrelated.txt'))

      const protectedFile = { mode: 0o640, uid: 0, gid: group.gid }
      const rootOnly = (mode: number) => ({ mode, uid: 0, gid: 0 })
      const check = (result: ReturnType<typeof run>, extra: string[] = []) => {
        expect(result.status, result.stderr).toBe(0)
        for (const path of [...secrets, outsideCa, ...extra]) expect(owner(path), path).toEqual(protectedFile)
        expect(owner(join(dir, 'settings.json'))).toEqual(rootOnly(0o644))
        expect(owner(kioskEnv)).toEqual(rootOnly(0o600))
        expect(owner(health)).toEqual(rootOnly(0o644))
        expect(owner(unrelated)).toEqual(rootOnly(0o644))
        const lines = result.stderr.split('\n').filter((line) => line !== '')
        expect(lines.filter((line) => line.includes('is outside'))).toEqual([
          `protect-secrets: health.heartbeat.ca: ${outsideCa} is outside ${dir}: keep secrets in the settings folder`,
        ])
        expect(lines.filter((line) => line.includes('does not exist'))).toEqual([
          expect.stringContaining(`handoff.passphrase.file: ${join(dir, 'missing-passphrase.txt')} does not exist`),
        ])
        expect(lines).toHaveLength(2)
      }

      check(run(dir, group.name, parser))
      // Again, after an administrator added a file: the same, and the new file protected too.
      const added = file(join(dir, 'new-secret.txt'))
      check(run(dir, group.name, parser), [added])
    },
  )

  it.skipIf(!asRootOnLinux)(
    'follows no symbolic link and touches no file in a folder others can change, and says so (Linux as root only: it chowns)',
    () => {
      const group = otherGroup()
      const dir = tempDir('protect-secrets-')
      const outside = tempDir('protect-secrets-outside-')
      const open = join(outside, 'open')
      mkdirSync(open)
      chmodSync(open, 0o777) // anyone could swap the file for a link between the check and the chown
      const target = file(join(outside, 'target.txt'))
      const inCerts = file(join(outside, 'rp.p12'))
      const inOpen = file(join(open, 'heartbeat-secret.txt'))
      symlinkSync(target, join(dir, 'linked-secret.txt'))
      symlinkSync(outside, join(dir, 'certs'))
      const settings = {
        bankid: { certificate: { pkcs12: 'certs/rp.p12' } },
        handoff: { secret: { file: 'linked-secret.txt' } },
        health: { heartbeat: { secret: { file: inOpen } } },
      }
      writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings))
      for (const parser of hasPython ? ['python', 'awk'] : ['awk']) {
        const result = run(dir, group.name, parser)
        expect(result.status).toBe(2)
        for (const path of [target, inCerts, inOpen]) expect(owner(path), path).toEqual({ mode: 0o644, uid: 0, gid: 0 })
        expect(result.stderr).toContain(`${join(dir, 'linked-secret.txt')} is a symbolic link: not followed`)
        expect(result.stderr).toContain(`handoff.secret.file: ${join(dir, 'linked-secret.txt')} is a symbolic link: not followed`)
        expect(result.stderr).toContain(`bankid.certificate.pkcs12: ${join(dir, 'certs', 'rp.p12')} is reached through a symbolic link`)
        expect(result.stderr).toContain(`health.heartbeat.secret.file: ${inOpen} is in a folder that accounts other than root can change`)
      }
    },
  )

  it.skipIf(!asRootOnLinux)('reports a path with an escaped quote instead of guessing it, without python3 (Linux as root only)', () => {
    const group = otherGroup()
    const dir = tempDir('protect-secrets-')
    writeFileSync(join(dir, 'settings.json'), '{ "handoff": { "secret": { "file": "odd\\"name.txt" } } }')
    const result = run(dir, group.name, 'awk')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('handoff.secret.file: the path holds an escape')
  })
})

describe('deploy/settings.example.json', () => {
  it("is valid JSON that the kiosk's own settings check accepts, for production with a certificate and a passphrase file", () => {
    const example = JSON.parse(read('settings.example.json')) as unknown
    const result = checkSettings(example)
    if (!result.ok) throw new Error(`settings.example.json: ${result.problem}`)
    expect(result.settings.bankid).toMatchObject({
      environment: 'production',
      certificate: { pkcs12: 'rp-certificate.p12' },
      passphrase: { file: 'rp-passphrase.txt' },
    })
    expect(result.settings.updates.enabled).toBe(false)
  })

  it('names the files the install scripts put next to it', () => {
    expect(read('windows/Install-Kiosk.ps1')).toContain("Join-Path $ConfigDir 'rp-certificate.p12'")
    expect(read('windows/Install-Kiosk.ps1')).toContain("Join-Path $ConfigDir 'rp-passphrase.txt'")
  })
})

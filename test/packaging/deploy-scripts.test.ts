// deploy/: the scripts and files IT runs on the kiosks. Windows PowerShell cannot run here (no pwsh
// on the development machines), so the .ps1 files are checked by reading them: the parts that make
// them safe to run unattended. The shell script gets `bash -n` (and shellcheck where installed), the
// systemd unit is parsed, and the settings example goes through the kiosk's own settings check.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
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
})

describe('deploy/linux', () => {
  const installer = join(deploy, 'linux', 'install-kiosk-session.sh')

  it('install-kiosk-session.sh passes bash -n (and shellcheck where installed)', () => {
    const syntax = spawnSync('bash', ['-n', installer], { encoding: 'utf8' })
    expect(syntax.stderr).toBe('')
    expect(syntax.status).toBe(0)
    const shellcheck = spawnSync('shellcheck', [installer], { encoding: 'utf8' })
    if (shellcheck.error === undefined) expect(shellcheck.stdout).toBe('')
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

import { describe, expect, it } from 'vitest'
import { findDebuggingSwitch } from '../../../src/main/shell/debugging-switches'
import type { CommandLineLike, SwitchCheckOptions } from '../../../src/main/shell/debugging-switches'

/** app.commandLine as Chromium parsed it: switch name → value ('' for a bare switch). */
function commandLine(switches: Record<string, string> = {}): CommandLineLike {
  return {
    hasSwitch: (name) => Object.hasOwn(switches, name),
    getSwitchValue: (name) => switches[name] ?? '',
  }
}

const EXE = '/opt/BankID Kiosk/bankid-kiosk'
const packaged = { platform: 'linux' as const, isPackaged: true }
const unpackaged = { platform: 'linux' as const, isPackaged: false }
const find = (args: string[], options: SwitchCheckOptions = packaged, switches: Record<string, string> = {}) =>
  findDebuggingSwitch([EXE, ...args], commandLine(switches), options)

describe('findDebuggingSwitch', () => {
  it('lets an ordinary start through', () => {
    expect(find([])).toBeNull()
    expect(find(['--settings', '/etc/bankid-kiosk/settings.json'])).toBeNull()
    expect(find(['--settings=/srv/inspect/remote-debugging-port.json', '--no-sandbox'])).toBeNull()
  })

  it.each([
    ['--remote-debugging-port=9222', '--remote-debugging-port'],
    ['--remote-debugging-port', '--remote-debugging-port'],
    ['--remote-debugging-pipe', '--remote-debugging-pipe'],
    ['--remote-debugging-address=0.0.0.0', '--remote-debugging-address'],
    ['-remote-debugging-port=9222', '--remote-debugging-port'],
    ['--REMOTE-DEBUGGING-PORT=9222', '--remote-debugging-port'],
    ['--remote-debugging-io-pipes=3,4', '--remote-debugging-io-pipes'],
    ['--inspect', '--inspect'],
    ['--inspect=0.0.0.0:9229', '--inspect'],
    ['--inspect-brk', '--inspect-brk'],
    ['--inspect-brk=9229', '--inspect-brk'],
    ['--inspect-port=9229', '--inspect-port'],
    ['--inspect-wait', '--inspect-wait'],
    ['--inspect_brk', '--inspect-brk'],
  ])('refuses %s on the command line, naming %s', (arg, name) => {
    expect(find(['--settings', 'settings.json', arg])).toBe(name)
  })

  it('reads Windows’ /switch form on Windows only', () => {
    const windows = { platform: 'win32' as const, isPackaged: true }
    expect(findDebuggingSwitch(['C:\\Program Files\\BankID Kiosk\\BankID Kiosk.exe', '/remote-debugging-port=9222'], commandLine(), windows)).toBe(
      '--remote-debugging-port',
    )
    expect(find(['/remote-debugging-port=9222'])).toBeNull()
  })

  it('also asks Chromium’s own parse of the command line (app.commandLine)', () => {
    expect(find([], packaged, { 'remote-debugging-port': '9222' })).toBe('--remote-debugging-port')
    expect(find([], packaged, { 'remote-debugging-pipe': '' })).toBe('--remote-debugging-pipe')
    expect(find([], packaged, { 'remote-debugging-address': '0.0.0.0' })).toBe('--remote-debugging-address')
    expect(find([], packaged, { 'inspect-brk': '' })).toBe('--inspect-brk')
    expect(find([], packaged, { 'no-sandbox': '' })).toBeNull()
  })

  it('a packaged kiosk refuses even what Playwright’s _electron adds', () => {
    expect(find(['--inspect=0', '--remote-debugging-port=0'])).toBe('--inspect')
    expect(find(['--remote-debugging-port=0'], packaged, { 'remote-debugging-port': '0' })).toBe('--remote-debugging-port')
  })

  it('a developer’s build (loose out/main, not packaged) tolerates exactly Playwright’s --inspect=0 --remote-debugging-port=0', () => {
    const playwright = ['--no-sandbox', '--inspect=0', '--remote-debugging-port=0', 'out/main/index.js', '--settings', 's.json']
    expect(find(playwright, unpackaged, { inspect: '0', 'remote-debugging-port': '0' })).toBeNull()
    expect(find([...playwright, '--remote-debugging-port=9222'], unpackaged, { inspect: '0', 'remote-debugging-port': '9222' })).toBe(
      '--remote-debugging-port',
    )
    expect(find(['--remote-debugging-port=9222'], unpackaged)).toBe('--remote-debugging-port')
    expect(find(['--inspect-brk=0'], unpackaged)).toBe('--inspect-brk')
    expect(find(['--remote-debugging-address=0.0.0.0', '--remote-debugging-port=0'], unpackaged)).toBe('--remote-debugging-address')
  })

  it('a packaged test build (dist.ts --test-build) tolerates Playwright’s switches as a developer’s build does, and nothing more', () => {
    const testBuild = { ...packaged, testBuild: true }
    const switches = { inspect: '0', 'remote-debugging-port': '0' }
    expect(find(['--inspect=0', '--remote-debugging-port=0'], testBuild, switches)).toBeNull()
    expect(find(['--remote-debugging-port=9222'], testBuild)).toBe('--remote-debugging-port')
    expect(find(['--inspect=0', '--remote-debugging-port=0'], { ...packaged, testBuild: false }, switches)).toBe('--inspect')
  })
})

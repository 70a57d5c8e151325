import { describe, expect, it } from 'vitest'
import { settingsLocation } from '../../../src/main/settings/location'

const os = (path: string) => ({ path, explicit: false, source: 'os' })

describe('settingsLocation', () => {
  it('uses %ProgramData% on Windows', () => {
    expect(settingsLocation([], { ProgramData: 'D:\\Data' }, 'win32')).toEqual(os('D:\\Data\\BankID Kiosk\\settings.json'))
  })

  it('finds the Windows variable whatever its case, and falls back to C:\\ProgramData', () => {
    expect(settingsLocation([], { PROGRAMDATA: 'E:\\PD' }, 'win32')).toEqual(os('E:\\PD\\BankID Kiosk\\settings.json'))
    expect(settingsLocation([], {}, 'win32')).toEqual(os('C:\\ProgramData\\BankID Kiosk\\settings.json'))
    expect(settingsLocation([], { ProgramData: '' }, 'win32')).toEqual(os('C:\\ProgramData\\BankID Kiosk\\settings.json'))
  })

  it('uses /etc on Linux (and other Unixes) and /Library on macOS', () => {
    expect(settingsLocation([], {}, 'linux')).toEqual(os('/etc/bankid-kiosk/settings.json'))
    expect(settingsLocation([], {}, 'freebsd')).toEqual(os('/etc/bankid-kiosk/settings.json'))
    expect(settingsLocation([], {}, 'darwin')).toEqual(os('/Library/Application Support/BankID Kiosk/settings.json'))
  })

  it('takes --settings PATH and --settings=PATH from anywhere in argv', () => {
    const argv = ['/opt/kiosk/bankid-kiosk', '--no-sandbox', '--settings', '/tmp/a.json', '--other']
    expect(settingsLocation(argv, {}, 'linux')).toEqual({ path: '/tmp/a.json', explicit: true, source: 'argument' })
    expect(settingsLocation(['app', '--settings=C:\\k\\s.json'], {}, 'win32')).toEqual({
      path: 'C:\\k\\s.json',
      explicit: true,
      source: 'argument',
    })
  })

  it('lets the last --settings win', () => {
    expect(settingsLocation(['--settings=/a.json', '--settings', '/b.json'], {}, 'linux').path).toBe('/b.json')
  })

  it('reports --settings without a value as an empty explicit path', () => {
    expect(settingsLocation(['app', '--settings'], {}, 'linux')).toEqual({ path: '', explicit: true, source: 'argument' })
    expect(settingsLocation(['--settings', '--kiosk'], {}, 'linux')).toEqual({ path: '', explicit: true, source: 'argument' })
    expect(settingsLocation(['--settings='], {}, 'linux')).toEqual({ path: '', explicit: true, source: 'argument' })
  })

  it('uses BANKID_KIOSK_SETTINGS when there is no argument, and ignores it when empty', () => {
    const env = { BANKID_KIOSK_SETTINGS: '/srv/kiosk.json' }
    expect(settingsLocation(['app'], env, 'darwin')).toEqual({ path: '/srv/kiosk.json', explicit: true, source: 'environment' })
    expect(settingsLocation(['app'], { BANKID_KIOSK_SETTINGS: '' }, 'linux')).toEqual(os('/etc/bankid-kiosk/settings.json'))
  })

  it('prefers the argument over the environment over the OS location', () => {
    const env = { BANKID_KIOSK_SETTINGS: '/from/env.json', ProgramData: 'C:\\PD' }
    expect(settingsLocation(['--settings=/from/arg.json'], env, 'win32').path).toBe('/from/arg.json')
    expect(settingsLocation([], env, 'win32').path).toBe('/from/env.json')
    expect(settingsLocation([], { ProgramData: 'C:\\PD' }, 'win32').path).toBe('C:\\PD\\BankID Kiosk\\settings.json')
  })

  it('does not mistake a similar option for --settings', () => {
    expect(settingsLocation(['--settings-file=/x.json', '--settingsx', '/y.json'], {}, 'linux')).toEqual(
      os('/etc/bankid-kiosk/settings.json'),
    )
  })
})

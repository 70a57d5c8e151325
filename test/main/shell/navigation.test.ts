import { describe, expect, it } from 'vitest'
import { isAppUrl } from '../../../src/main/shell/navigation'

describe('isAppUrl', () => {
  it.each(['app://kiosk/index.html', 'app://kiosk/', 'app://kiosk/assets/x.js?y=1#z'])('%s is the app', (url) => {
    expect(isAppUrl(url)).toBe(true)
  })
  it.each([
    'app://kiosk.evil/index.html',
    'app://evil.kiosk/index.html',
    'app://user@kiosk/index.html',
    'https://kiosk/index.html',
    'file:///etc/passwd',
    'https://www.bankid.com/',
    'javascript:alert(1)',
    'about:blank',
    '',
    'not a url',
  ])('%s is not', (url) => {
    expect(isAppUrl(url)).toBe(false)
  })
})

// The locked view in Electron: which frames may show what, which headers are set aside for an
// allowed page, how every web contents' handlers apply it, and the CSP that frames only those.
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy as hostPolicy } from '../../../src/main/browser-host/server'
import { frameSources } from '../../../src/main/handoff/frame-sources'
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy, resolveAppRequest } from '../../../src/main/shell/app-protocol'
import { framableHeaders, isAllowedFrameUrl } from '../../../src/main/shell/frame-policy'
import type { HardenableContents } from '../../../src/main/shell/harden'
import { hardenWebContents } from '../../../src/main/shell/harden'

const ORIGINS = ['https://portal.example-skola.se', 'https://login.example-kommun.se']

describe('isAllowedFrameUrl', () => {
  it.each([
    'https://portal.example-skola.se/',
    'https://portal.example-skola.se/start?ticket=abc#top',
    'https://PORTAL.example-skola.se:443/x',
    'https://login.example-kommun.se/saml',
    'about:blank',
    'about:srcdoc',
  ])('allows %s', (url) => expect(isAllowedFrameUrl(url, ORIGINS)).toBe(true))

  it.each([
    'http://portal.example-skola.se/',
    'https://portal.example-skola.se:8443/',
    'https://portal.example-skola.se.evil.example/',
    'https://evil.example/?next=https://portal.example-skola.se',
    'https://user:pw@portal.example-skola.se/',
    'data:text/html,<h1>hi</h1>',
    'blob:https://portal.example-skola.se/1234',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://kiosk/index.html',
    'about:config',
    'not a url',
  ])('refuses %s', (url) => expect(isAllowedFrameUrl(url, ORIGINS)).toBe(false))

  it('refuses everything but empty frames without a hand-off', () => {
    expect(isAllowedFrameUrl('https://portal.example-skola.se/', [])).toBe(false)
  })
})

describe('framableHeaders', () => {
  const page = (responseHeaders: Record<string, string[]>, url = 'https://portal.example-skola.se/start', resourceType = 'subFrame') => ({
    url,
    resourceType,
    responseHeaders,
  })

  it('drops X-Frame-Options and frame-ancestors for an allowed origin’s framed page, keeping the rest', () => {
    const headers = framableHeaders(
      page({
        'X-Frame-Options': ['DENY'],
        'Content-Security-Policy': ["default-src 'self'; frame-ancestors 'none'; script-src 'self'"],
        'Set-Cookie': ['sid=1; Secure; SameSite=None'],
      }),
      ORIGINS,
    )
    expect(headers).toEqual({
      'Content-Security-Policy': ["default-src 'self'; script-src 'self'"],
      'Set-Cookie': ['sid=1; Secure; SameSite=None'],
    })
  })

  it('drops a policy that was only frame-ancestors', () => {
    expect(framableHeaders(page({ 'content-security-policy': ["frame-ancestors 'self'"], a: ['b'] }), ORIGINS)).toEqual({ a: ['b'] })
  })

  it('leaves alone: other origins, the main frame, subresources, and pages that say nothing', () => {
    const deny = { 'X-Frame-Options': ['DENY'] }
    expect(framableHeaders(page(deny, 'https://evil.example/'), ORIGINS)).toBeNull()
    expect(framableHeaders(page(deny, undefined, 'mainFrame'), ORIGINS)).toBeNull()
    expect(framableHeaders(page(deny, undefined, 'script'), ORIGINS)).toBeNull()
    expect(framableHeaders(page({ 'Content-Type': ['text/html'] }), ORIGINS)).toBeNull()
    expect(framableHeaders(page(deny), [])).toBeNull()
  })
})

type Listener = (...args: unknown[]) => void

class RecordingContents {
  listeners = new Map<string, Listener>()
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener)
    return this
  }
  setWindowOpenHandler() {}
  setVisualZoomLevelLimits() {
    return Promise.resolve()
  }
  /** Fires like Electron: the details on the event object itself (and the url again as an argument). */
  fire(event: string, details: { url: string; isMainFrame: boolean }): boolean {
    let prevented = false
    this.listeners.get(event)?.({ ...details, preventDefault: () => (prevented = true) }, details.url)
    return prevented
  }
}

describe('hardenWebContents with a hand-off', () => {
  function setup(origins: readonly string[] = ORIGINS) {
    const contents = new RecordingContents()
    const logs: [string, Record<string, unknown>][] = []
    hardenWebContents(contents as unknown as HardenableContents, true, (event, fields) => logs.push([event, fields]), () => origins)
    return { contents, logs }
  }

  it('a frame may go to the allowed origins and nowhere else; only the origin is logged', () => {
    const { contents, logs } = setup()
    expect(contents.fire('will-frame-navigate', { url: 'https://portal.example-skola.se/start', isMainFrame: false })).toBe(false)
    expect(contents.fire('will-frame-navigate', { url: 'https://login.example-kommun.se/', isMainFrame: false })).toBe(false)
    expect(contents.fire('will-frame-navigate', { url: 'https://evil.example/phish?pnr=199001012385', isMainFrame: false })).toBe(true)
    expect(contents.fire('will-frame-navigate', { url: 'http://portal.example-skola.se/', isMainFrame: false })).toBe(true)
    expect(logs).toEqual([
      ['frame-navigation.blocked', { kind: 'frame', to: 'https://evil.example' }],
      ['frame-navigation.blocked', { kind: 'frame', to: 'http://portal.example-skola.se' }],
    ])
  })

  it('a redirect inside the frame is judged the same way; the window itself still never leaves the app', () => {
    const { contents } = setup()
    expect(contents.fire('will-redirect', { url: 'https://portal.example-skola.se/home', isMainFrame: false })).toBe(false)
    expect(contents.fire('will-redirect', { url: 'https://evil.example/', isMainFrame: false })).toBe(true)
    expect(contents.fire('will-redirect', { url: 'https://portal.example-skola.se/home', isMainFrame: true })).toBe(true)
    expect(contents.fire('will-navigate', { url: 'https://portal.example-skola.se/', isMainFrame: true })).toBe(true)
    // will-frame-navigate for the main frame is will-navigate's business.
    expect(contents.fire('will-frame-navigate', { url: 'app://kiosk/index.html', isMainFrame: true })).toBe(false)
  })

  it('without a hand-off no frame may show a page at all', () => {
    const { contents } = setup([])
    expect(contents.fire('will-frame-navigate', { url: 'https://portal.example-skola.se/', isMainFrame: false })).toBe(true)
  })
})

describe('the kiosk page’s CSP', () => {
  it('frames exactly the allowed origins in Electron and in the browser host, and nothing without a hand-off', () => {
    expect(contentSecurityPolicy([])).toBe(CONTENT_SECURITY_POLICY)
    expect(CONTENT_SECURITY_POLICY).not.toContain('frame-src')
    for (const policy of [contentSecurityPolicy(ORIGINS), hostPolicy(ORIGINS)]) {
      expect(policy).toContain('frame-src https://portal.example-skola.se https://login.example-kommun.se;')
      expect(policy).toContain("default-src 'none'")
      expect(policy).toContain("frame-ancestors 'none'")
      expect(policy).not.toContain('unsafe')
    }
    expect(contentSecurityPolicy(ORIGINS)).toContain("connect-src 'none'")
  })

  it('is served with app:// pages', () => {
    const resolved = resolveAppRequest('app://kiosk/index.html', '/tmp/renderer', ORIGINS)
    expect(resolved.ok && resolved.headers['Content-Security-Policy']).toBe(contentSecurityPolicy(ORIGINS))
  })

  it('refuses anything but canonical https origins (nothing can be smuggled into the header)', () => {
    expect(frameSources([])).toBe("'none'")
    for (const bad of ['https://a.se; script-src *', 'http://a.se', 'https://A.se', 'https://a.se/', '*']) {
      expect(() => frameSources([bad])).toThrow()
    }
  })
})

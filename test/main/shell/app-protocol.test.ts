import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, resolveAppRequest } from '../../../src/main/shell/app-protocol'

const root = mkdtempSync(join(tmpdir(), 'renderer-'))

describe('resolveAppRequest', () => {
  it('serves the entry page and assets from the renderer folder, with the CSP header', () => {
    const entry = resolveAppRequest(APP_ENTRY_URL, root)
    expect(entry).toMatchObject({ ok: true, file: join(root, 'index.html') })
    if (!entry.ok) throw new Error('refused')
    expect(entry.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(entry.headers['Content-Type']).toBe('text/html; charset=utf-8')
    expect(resolveAppRequest('app://kiosk/assets/index-abc.js', root)).toMatchObject({
      ok: true,
      file: join(root, 'assets', 'index-abc.js'),
      headers: { 'Content-Type': 'text/javascript; charset=utf-8' },
    })
    expect(resolveAppRequest('app://kiosk/', root)).toMatchObject({ ok: true, file: join(root, 'index.html') })
  })

  it.each([
    'app://kiosk/../package.json',
    'app://kiosk/%2e%2e/package.json',
    'app://kiosk/assets/..%2f..%2fpackage.json',
    'app://kiosk/assets/%5c..%5cpackage.json',
    'app://kiosk/.env',
    'app://kiosk//etc/passwd',
    'app://kiosk/C:/Windows/win.ini',
    'app://kiosk/index.html%00.js',
    'app://other/index.html',
    'https://kiosk/index.html',
    'app://kiosk/notes.txt',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, root).ok).toBe(false)
  })

  it('answers 400 to a URL it cannot parse or decode', () => {
    expect(resolveAppRequest('not a url', root)).toEqual({ ok: false, status: 400 })
    expect(resolveAppRequest('app://kiosk/%E0%A4%A', root)).toEqual({ ok: false, status: 400 })
  })

  it('the policy allows no network and no inline code', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe')
  })
})

describe('dot segments', () => {
  it('never lead outside the renderer folder, even where the URL parser resolves them first', () => {
    for (const url of ['app://kiosk/../../../etc/passwd.js', 'app://kiosk/assets/../../x.js', 'app://kiosk/%2e%2e/%2e%2e/x.js']) {
      const resolved = resolveAppRequest(url, root)
      if (resolved.ok) expect(resolved.file.startsWith(`${root}/`)).toBe(true)
    }
  })
})

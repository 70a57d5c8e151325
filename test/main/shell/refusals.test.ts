import { describe, expect, it } from 'vitest'
import type { AuthApp, DownloadSession } from '../../../src/main/shell/refusals'
import { refuseClientCertificates, refuseDownloads, refuseHttpAuth } from '../../../src/main/shell/refusals'

type Listener = (...args: unknown[]) => void

class RecordingEmitter {
  listeners = new Map<string, Listener>()
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener)
    return this
  }
  /** Fires `event` with a preventable event first; whether it was prevented. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false
    const listener = this.listeners.get(event)
    if (!listener) throw new Error(`nothing listens to ${event}`)
    listener({ preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

function recordingLog() {
  const logs: Array<[string, Record<string, unknown>]> = []
  return { logs, log: (event: string, fields: Record<string, unknown>) => logs.push([event, fields]) }
}

describe('refuseDownloads', () => {
  it('prevents every download and logs only where it came from', () => {
    const session = new RecordingEmitter()
    const { logs, log } = recordingLog()
    refuseDownloads(session as unknown as DownloadSession, log)
    const item = (url: string) => ({ getURL: () => url })
    expect(session.fire('will-download', item('https://skolan.example/intyg.pdf?pnr=199001012385&token=abc'))).toBe(true)
    expect(session.fire('will-download', item('blob:https://skolan.example/6c1f0a52-2b1e-4d0a-9d1e-1f2a3b4c5d6e'))).toBe(true)
    expect(session.fire('will-download', item('data:text/plain,199001012385'))).toBe(true)
    expect(logs).toEqual([
      ['download.blocked', { from: 'https://skolan.example' }],
      ['download.blocked', { from: 'https://skolan.example' }],
      ['download.blocked', { from: 'data:' }],
    ])
    expect(JSON.stringify(logs)).not.toMatch(/199001012385|intyg|token|6c1f0a52/)
  })
})

describe('refuseClientCertificates', () => {
  it('offers no client certificate to any page, and shows no picker', () => {
    const app = new RecordingEmitter()
    const { logs, log } = recordingLog()
    refuseClientCertificates(app as unknown as AuthApp, log)
    const given: unknown[][] = []
    const certificates = [{ subjectName: 'Skolans dator', issuerName: 'Kommunens CA' }]
    const prevented = app.fire('select-client-certificate', null, 'https://skolan.example/login?x=1', certificates, (...args: unknown[]) =>
      given.push(args),
    )
    // Without preventDefault Electron would pick the first certificate itself.
    expect(prevented).toBe(true)
    expect(given).toEqual([[]])
    expect(logs).toEqual([['client-certificate.refused', { to: 'https://skolan.example', offered: 1 }]])
  })
})

describe('refuseHttpAuth', () => {
  it('cancels every HTTP authentication request (no credentials, no dialog)', () => {
    const app = new RecordingEmitter()
    const { logs, log } = recordingLog()
    refuseHttpAuth(app as unknown as AuthApp, log)
    const given: unknown[][] = []
    const prevented = app.fire(
      'login',
      null,
      { url: 'https://intranet.skolan.example/secret?pnr=199001012385' },
      { isProxy: false, scheme: 'basic', host: 'intranet.skolan.example', port: 443, realm: 'Skolan' },
      (...args: unknown[]) => given.push(args),
    )
    expect(prevented).toBe(true)
    expect(given).toEqual([[]])
    expect(logs).toEqual([['http-auth.refused', { to: 'https://intranet.skolan.example', scheme: 'basic', proxy: false }]])
  })
})

import { describe, expect, it } from 'vitest'
import type { HardenableContents } from '../../../src/main/shell/harden'
import { hardenWebContents } from '../../../src/main/shell/harden'

type Listener = (...args: unknown[]) => void

class RecordingContents {
  listeners = new Map<string, Listener>()
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null
  zoomLimits: [number, number] | null = null
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener)
    return this
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler
  }
  setVisualZoomLevelLimits(min: number, max: number) {
    this.zoomLimits = [min, max]
    return Promise.resolve()
  }
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false
    this.listeners.get(event)?.({ preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

function setup(isPackaged = true) {
  const contents = new RecordingContents()
  const logs: Array<[string, Record<string, unknown>]> = []
  hardenWebContents(contents as unknown as HardenableContents, isPackaged, (event, fields) => logs.push([event, fields]))
  return { contents, logs }
}

describe('hardenWebContents', () => {
  it('keeps navigation and redirects inside the app, logging only the origin', () => {
    const { contents, logs } = setup()
    expect(contents.fire('will-navigate', 'app://kiosk/index.html')).toBe(false)
    expect(contents.fire('will-navigate', 'https://evil.example/phish?pnr=199001012385')).toBe(true)
    expect(contents.fire('will-redirect', 'file:///etc/passwd')).toBe(true)
    expect(logs).toEqual([
      ['navigation.blocked', { kind: 'navigate', to: 'https://evil.example' }],
      ['navigation.blocked', { kind: 'redirect', to: 'file://' }],
    ])
  })

  it('denies every new window and webview', () => {
    const { contents } = setup()
    expect(contents.openHandler?.({ url: 'app://kiosk/index.html' })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'https://www.bankid.com' })).toEqual({ action: 'deny' })
    expect(contents.fire('will-attach-webview')).toBe(true)
  })

  it('swallows kiosk-breaking shortcuts and pins the zoom', () => {
    const { contents } = setup()
    const input = { type: 'keyDown', key: 'r', control: true, meta: false, alt: false, shift: false }
    expect(contents.fire('before-input-event', input)).toBe(true)
    expect(contents.fire('before-input-event', { ...input, key: '7', control: false })).toBe(false)
    expect(contents.zoomLimits).toEqual([1, 1])
  })

  it("lets a developer's build reload", () => {
    const { contents } = setup(false)
    expect(contents.fire('before-input-event', { type: 'keyDown', key: 'r', control: true, meta: false, alt: false, shift: false })).toBe(false)
  })
})

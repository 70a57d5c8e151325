import { describe, expect, it } from 'vitest'
import type { GuardableContents } from '../../../src/main/shell/file-chooser'
import { FILE_CHOOSER_INTERCEPT, TARGET_AUTO_ATTACH, guardFileChoosers, lockedViewOrigins } from '../../../src/main/shell/file-chooser'

type Listener = (...args: unknown[]) => void
type Call = [method: string, params: unknown, sessionId: string | undefined]

/** webContents.debugger as a recording stand-in: every command is recorded and answered at once. */
class RecordingDebugger {
  listeners = new Map<string, Listener[]>()
  calls: Call[] = []
  attaches = 0
  attachError: Error | null = null
  /** `method@sessionId` (or `method` for the page's own session) → the error that command fails with. */
  failing = new Map<string, Error>()
  /** `method@sessionId` → what that command answers (else `{}`). */
  answers = new Map<string, unknown>()
  attach(version?: string) {
    this.attaches++
    if (this.attachError) throw this.attachError
    if (version !== '1.3') throw new Error(`unexpected protocol version ${version}`)
  }
  isAttached() {
    return this.attaches > 0 && !this.attachError
  }
  sendCommand(method: string, params?: unknown, sessionId?: string): Promise<unknown> {
    this.calls.push([method, params, sessionId])
    const key = sessionId ? `${method}@${sessionId}` : method
    const error = this.failing.get(key)
    return error ? Promise.reject(error) : Promise.resolve(this.answers.get(key) ?? {})
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener({}, ...args)
  }
  /** A CDP event, as Electron hands it over: (event, method, params, sessionId). */
  message(method: string, params: unknown, sessionId = '') {
    this.emit('message', method, params, sessionId)
  }
  callsFor(sessionId: string | undefined) {
    return this.calls.filter((call) => call[2] === sessionId).map(([method, params]) => [method, params])
  }
}

class RecordingContents {
  debugger = new RecordingDebugger()
  destroyed = false
  reloads = 0
  isDestroyed() {
    return this.destroyed
  }
  reload() {
    this.reloads++
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

function setup(prepare: (contents: RecordingContents) => void = () => undefined) {
  const contents = new RecordingContents()
  prepare(contents)
  const logs: Array<[string, Record<string, unknown>]> = []
  const guard = guardFileChoosers(contents as unknown as GuardableContents, (event, fields) => logs.push([event, fields]))
  return { contents, dbg: contents.debugger, logs, guard }
}

const oopif = (sessionId: string, url = 'https://skolan.example/portal?pnr=199001012385') => ({
  sessionId,
  targetInfo: { targetId: `T-${sessionId}`, type: 'iframe', url, attached: true },
  waitingForDebugger: true,
})

describe('guardFileChoosers', () => {
  it('attaches the debugger, intercepts the page’s file choosers and auto-attaches to its out-of-process frames', async () => {
    const { dbg, guard } = setup()
    expect(dbg.attaches).toBe(1)
    expect(dbg.callsFor(undefined)).toEqual([
      ['Page.setInterceptFileChooserDialog', { enabled: true }],
      ['Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }],
    ])
    expect(FILE_CHOOSER_INTERCEPT).toEqual({ enabled: true })
    expect(TARGET_AUTO_ATTACH).toEqual({ autoAttach: true, waitForDebuggerOnStart: true, flatten: true })
    // Only once Chromium has confirmed both does the locked view get its origins.
    expect(guard.active).toBe(false)
    await settle()
    expect(guard.active).toBe(true)
  })

  it('an out-of-process frame (the locked view’s page) is intercepted before it is let run', async () => {
    const { dbg } = setup()
    await settle()
    dbg.message('Target.attachedToTarget', oopif('S1'))
    await settle()
    expect(dbg.callsFor('S1')).toEqual([
      ['Page.setInterceptFileChooserDialog', { enabled: true }],
      ['Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }],
      ['Runtime.runIfWaitingForDebugger', {}],
    ])
    // A frame inside that frame (reported on the frame's own session) gets the same.
    dbg.message('Target.attachedToTarget', oopif('S2', 'https://cdn.example/embed'), 'S1')
    await settle()
    expect(dbg.callsFor('S2').map(([method]) => method)).toEqual([
      'Page.setInterceptFileChooserDialog',
      'Target.setAutoAttach',
      'Runtime.runIfWaitingForDebugger',
    ])
  })

  it('a worker has no file chooser: it is only let run', async () => {
    const { dbg } = setup()
    await settle()
    dbg.message('Target.attachedToTarget', { sessionId: 'W1', targetInfo: { type: 'worker', url: 'https://skolan.example/w.js' }, waitingForDebugger: true })
    await settle()
    expect(dbg.callsFor('W1')).toEqual([['Runtime.runIfWaitingForDebugger', {}]])
  })

  it('a frame whose file choosers cannot be intercepted is never let run, and that is logged', async () => {
    const { dbg, logs } = setup((contents) =>
      contents.debugger.failing.set('Page.setInterceptFileChooserDialog@S1', new Error('No session with given id')),
    )
    await settle()
    dbg.message('Target.attachedToTarget', oopif('S1'))
    await settle()
    expect(dbg.callsFor('S1').map(([method]) => method)).not.toContain('Runtime.runIfWaitingForDebugger')
    expect(logs).toContainEqual(['file-chooser.guard-failed', { step: 'frame', target: 'iframe', origin: 'https://skolan.example', message: 'No session with given id' }])
  })

  it('a file chooser opened in the locked view is logged (origin only) and never answered', async () => {
    const { dbg, logs } = setup()
    await settle()
    dbg.message('Target.attachedToTarget', oopif('S1'))
    await settle()
    const before = dbg.calls.length
    dbg.message('Page.fileChooserOpened', { frameId: 'F1', mode: 'selectSingle', backendNodeId: 42 }, 'S1')
    dbg.message('Page.fileChooserOpened', { frameId: 'F0', mode: 'selectMultiple' })
    await settle()
    expect(logs).toHaveLength(2)
    expect(logs).toEqual(
      expect.arrayContaining([
        ['file-chooser.blocked', { mode: 'selectSingle', origin: 'https://skolan.example' }],
        ['file-chooser.blocked', { mode: 'selectMultiple', origin: 'kiosk-page' }],
      ]),
    )
    // No DOM.setFileInputFiles, no Page.handleFileChooser: only the frame's own address is asked for.
    expect(dbg.calls.slice(before)).toEqual([['Target.getTargetInfo', {}, 'S1']])
    expect(JSON.stringify(logs)).not.toContain('199001012385')
  })

  it('logs the origin the frame has when the chooser opens (it may have navigated since it was attached)', async () => {
    const { dbg, logs } = setup()
    await settle()
    dbg.message('Target.attachedToTarget', oopif('S1', 'about:blank'))
    await settle()
    dbg.answers.set('Target.getTargetInfo@S1', { targetInfo: { type: 'iframe', url: 'https://elevportal.skolan.example/upload?id=7' } })
    dbg.message('Page.fileChooserOpened', { frameId: 'F1', mode: 'selectSingle' }, 'S1')
    await settle()
    expect(logs).toEqual([['file-chooser.blocked', { mode: 'selectSingle', origin: 'https://elevportal.skolan.example' }]])
  })

  it('fails closed when the debugger cannot attach (e.g. already attached): logged, and the locked view shows nothing', async () => {
    const { guard, logs, dbg } = setup((contents) => {
      contents.debugger.attachError = new Error('Debugger is already attached to the target')
    })
    await settle()
    expect(dbg.calls).toEqual([])
    expect(guard.active).toBe(false)
    expect(logs).toEqual([['file-chooser.guard-failed', { step: 'attach', message: 'Debugger is already attached to the target' }]])
    expect(lockedViewOrigins(guard, ['https://skolan.example'])).toEqual([])
  })

  it('fails closed when Chromium refuses the interception on the page itself', async () => {
    const { guard, logs } = setup((contents) => contents.debugger.failing.set('Page.setInterceptFileChooserDialog', new Error('Permission denied')))
    await settle()
    expect(guard.active).toBe(false)
    expect(logs).toEqual([['file-chooser.guard-failed', { step: 'intercept', message: 'Permission denied' }]])
  })

  it('gives the locked view its origins only while the guard is active', async () => {
    const { guard } = setup()
    expect(lockedViewOrigins(guard, ['https://skolan.example'])).toEqual([])
    await settle()
    expect(lockedViewOrigins(guard, ['https://skolan.example'])).toEqual(['https://skolan.example'])
  })

  it('re-attaches when the debugger is detached (DevTools opened), and fails closed with a reload when it cannot', async () => {
    const { guard, dbg, logs, contents } = setup()
    await settle()
    expect(guard.active).toBe(true)

    dbg.emit('detach', 'replaced with devtools')
    expect(guard.active).toBe(false)
    expect(dbg.attaches).toBe(2)
    await settle()
    expect(guard.active).toBe(true)
    expect(contents.reloads).toBe(0)

    dbg.attachError = new Error('Debugger is already attached to the target')
    dbg.emit('detach', 'replaced with devtools')
    await settle()
    expect(guard.active).toBe(false)
    // What the frames already showed was no longer guarded: the page starts afresh, without them.
    expect(contents.reloads).toBe(1)
    expect(logs).toEqual([
      ['file-chooser.guard-detached', { reason: 'replaced with devtools' }],
      ['file-chooser.guard-detached', { reason: 'replaced with devtools' }],
      ['file-chooser.guard-failed', { step: 'attach', message: 'Debugger is already attached to the target' }],
    ])
  })

  it('stops re-attaching after a few detaches', async () => {
    const { guard, dbg, contents } = setup()
    await settle()
    for (let i = 0; i < 10; i++) {
      dbg.emit('detach', 'replaced with devtools')
      await settle()
    }
    expect(dbg.attaches).toBeLessThanOrEqual(4)
    expect(guard.active).toBe(false)
    expect(contents.reloads).toBe(1)
  })

  it('does nothing when the contents itself is gone', async () => {
    const { dbg, logs, contents } = setup()
    await settle()
    contents.destroyed = true
    dbg.emit('detach', 'target closed')
    expect(dbg.attaches).toBe(1)
    expect(logs).toEqual([])
    expect(contents.reloads).toBe(0)
  })
})

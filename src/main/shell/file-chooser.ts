// No file dialog, ever: an allowed origin in the locked view with an <input type=file> (or
// input.showPicker(), showOpenFilePicker(), showDirectoryPicker(), showSaveFilePicker()) would open
// the operating system's file dialog, and from there the whole machine: a kiosk escape. Electron
// has no event for it, so this goes through the Chrome DevTools Protocol on webContents.debugger:
// with Page.setInterceptFileChooserDialog on, Chromium shows no dialog and emits
// Page.fileChooserOpened instead, which is logged and never answered.
//
// The interception is per renderer frame tree, and the locked view's page is a cross-site frame,
// i.e. out of process (OOPIF): Target.setAutoAttach (flatten, waitForDebuggerOnStart) hands over
// every such frame, paused, and it is let run only once its own interception is on. A frame whose
// interception fails stays paused (it never runs, so it can open nothing).
//
// Fail closed: until Chromium has confirmed the interception on the page itself, and whenever the
// debugger cannot be attached (or is lost for good), `active` is false and lockedViewOrigins gives
// the frame policy no origins, so the locked view shows nothing at all. A debugger lost while the
// view may already show a page (DevTools opened in a developer's build) is re-attached a few times;
// after that the contents is reloaded so that no unguarded frame stays.
import type { HardenLog } from './harden'
import { originOf } from './harden'

/** What Chromium is told, on the page's own session and on every frame's. */
export const FILE_CHOOSER_INTERCEPT = { enabled: true } as const
export const TARGET_AUTO_ATTACH = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true } as const

/** The Devtools protocol version Electron's debugger speaks. */
const PROTOCOL_VERSION = '1.3'
/** Re-attaches after a detach before the guard gives up (and the locked view with it). */
const MAX_REATTACHES = 3
/** Targets without a document: no file chooser, only let run. */
const WORKER_TYPES = new Set(['worker', 'shared_worker', 'service_worker', 'worklet', 'shared_storage_worklet', 'auction_worklet'])

/** The parts of Electron's webContents.debugger this uses. */
export interface DebuggerLike {
  attach(protocolVersion?: string): void
  sendCommand(method: string, commandParams?: object, sessionId?: string): Promise<unknown>
  on(event: 'message', listener: (event: unknown, method: string, params: unknown, sessionId: string) => void): unknown
  on(event: 'detach', listener: (event: unknown, reason: string) => void): unknown
}

/** The parts of Electron's WebContents this uses. */
export interface GuardableContents {
  readonly debugger: DebuggerLike
  isDestroyed(): boolean
  reload(): void
}

export interface FileChooserGuard {
  /** True while every file chooser in the contents is intercepted; only then may the locked view show a page. */
  readonly active: boolean
}

interface AttachedToTarget {
  sessionId: string
  targetInfo: { type: string; url: string }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

function isAttachedToTarget(params: unknown): params is AttachedToTarget {
  const candidate = params as Partial<AttachedToTarget> | null
  return typeof candidate?.sessionId === 'string' && typeof candidate.targetInfo?.type === 'string'
}

/** The allowed origins the frame policy may use: none unless the guard is active. */
export function lockedViewOrigins(guard: FileChooserGuard, origins: readonly string[]): readonly string[] {
  return guard.active ? origins : []
}

export function guardFileChoosers(contents: GuardableContents, log: HardenLog): FileChooserGuard {
  const dbg = contents.debugger
  let active = false
  let everActive = false
  let closed = false
  let reattachesLeft = MAX_REATTACHES
  /** Which attach an answer belongs to: one from before a detach must not turn the guard on. */
  let attachment = 0
  /** Each frame's session → the origin it had when it was attached (the log's only detail of it). */
  const origins = new Map<string, string>()

  const failClosed = (fields: Record<string, unknown>) => {
    active = false
    if (closed) return
    closed = true
    log('file-chooser.guard-failed', fields)
    // Frames shown while the guard was active are no longer guarded: start the page afresh, and
    // the frame policy (lockedViewOrigins) lets none come back.
    if (everActive && !contents.isDestroyed()) contents.reload()
  }

  const start = () => {
    const mine = ++attachment
    try {
      dbg.attach(PROTOCOL_VERSION)
    } catch (error) {
      failClosed({ step: 'attach', message: messageOf(error) })
      return
    }
    // Resolved once the page has navigated (Electron queues commands until then).
    void Promise.all([
      dbg.sendCommand('Page.setInterceptFileChooserDialog', FILE_CHOOSER_INTERCEPT),
      dbg.sendCommand('Target.setAutoAttach', TARGET_AUTO_ATTACH),
    ]).then(
      () => {
        if (closed || mine !== attachment) return
        active = true
        everActive = true
      },
      (error: unknown) => {
        if (mine === attachment) failClosed({ step: 'intercept', message: messageOf(error) })
      },
    )
  }

  const onAttached = async ({ sessionId, targetInfo }: AttachedToTarget) => {
    // A frame attached before its first navigation commits may still say about:blank.
    const origin = /^https?:/i.test(targetInfo.url) ? originOf(targetInfo.url) : 'unknown'
    origins.set(sessionId, origin)
    if (!WORKER_TYPES.has(targetInfo.type)) {
      try {
        await dbg.sendCommand('Page.setInterceptFileChooserDialog', FILE_CHOOSER_INTERCEPT, sessionId)
        // Its own cross-site frames, in turn.
        await dbg.sendCommand('Target.setAutoAttach', TARGET_AUTO_ATTACH, sessionId)
      } catch (error) {
        // Never let run: a frame that is not intercepted could open the dialog.
        log('file-chooser.guard-failed', { step: 'frame', target: targetInfo.type, origin, message: messageOf(error) })
        return
      }
    }
    await dbg.sendCommand('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined)
  }

  /** The frame's origin now (it may have navigated since it was attached); the kiosk page is the kiosk page. */
  const originNow = async (sessionId: string): Promise<string> => {
    if (!sessionId) return 'kiosk-page'
    const info = (await dbg.sendCommand('Target.getTargetInfo', {}, sessionId).catch(() => null)) as { targetInfo?: { url?: unknown } } | null
    const url = info?.targetInfo?.url
    const current = typeof url === 'string' && /^https?:/i.test(url) ? originOf(url) : null
    return current ?? origins.get(sessionId) ?? 'unknown'
  }

  dbg.on('message', (_event, method, params, sessionId) => {
    if (method === 'Target.attachedToTarget' && isAttachedToTarget(params)) void onAttached(params)
    else if (method === 'Target.detachedFromTarget') origins.delete((params as { sessionId?: string } | null)?.sessionId ?? '')
    else if (method === 'Page.fileChooserOpened') {
      // Deliberately not answered (no DOM.setFileInputFiles): the page gets no file, the kiosk shows no dialog.
      const mode = (params as { mode?: unknown } | null)?.mode
      void originNow(sessionId).then((origin) => log('file-chooser.blocked', { mode: typeof mode === 'string' ? mode : 'unknown', origin }))
    }
  })

  dbg.on('detach', (_event, reason) => {
    active = false
    attachment++
    origins.clear()
    if (contents.isDestroyed() || closed) return
    log('file-chooser.guard-detached', { reason })
    if (reattachesLeft-- > 0) start()
    else failClosed({ step: 'detached', message: reason })
  })

  start()
  return {
    get active() {
      return active
    },
  }
}

// Main's side of the renderer IPC: who may talk (the kiosk page's main frame only), what may be
// said (intents that pass the contract's schema), and nothing else. Electron objects come in as
// parameters, so this runs and is tested without Electron.
import type { Intent, Snapshot } from '../../shared/contract'
import { MAX_INTENT_BYTES, intentSchema } from '../../shared/contract'
import { IPC_CHANNELS } from '../../shared/ipc-channels'

/** The parts of Electron's IpcMainEvent / IpcMainInvokeEvent this module looks at. */
export interface IpcSenderEvent {
  senderFrame: { origin: string; parent: unknown } | null
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown
  removeListener(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown
  handle(channel: string, handler: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface SessionLike {
  snapshot(): Snapshot
  dispatch(intent: Intent): void
}

/**
 * Only the top frame of a page from one of our own origins may send intents: not an iframe, not
 * a page the window was navigated to, not a frame that is already gone (security checklist #17).
 */
export function isTrustedSender(event: IpcSenderEvent, allowedOrigins: readonly string[]): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && allowedOrigins.includes(frame.origin)
}

export type IntentCheck = { ok: true; intent: Intent } | { ok: false; reason: string }

/** Validates an intent payload from a renderer: size first (cheap), then the schema. */
export function checkIntent(payload: unknown): IntentCheck {
  let size: number
  try {
    size = JSON.stringify(payload)?.length ?? 0
  } catch {
    return { ok: false, reason: 'not serialisable' }
  }
  if (size > MAX_INTENT_BYTES) return { ok: false, reason: `larger than ${MAX_INTENT_BYTES} bytes` }
  const parsed = intentSchema.safeParse(payload)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, reason: `${issue?.path.join('.') || 'intent'}: ${issue?.code ?? 'invalid'}` }
  }
  return { ok: true, intent: parsed.data }
}

export interface KioskIpcOptions {
  ipcMain: IpcMainLike
  session: SessionLike
  allowedOrigins: readonly string[]
  log: (level: 'warn' | 'debug', event: string, fields?: Record<string, unknown>) => void
}

/** Registers the intent and current-snapshot channels; returns a function that removes them. */
export function registerKioskIpc({ ipcMain, session, allowedOrigins, log }: KioskIpcOptions): () => void {
  const onIntent = (event: IpcSenderEvent, payload: unknown) => {
    if (!isTrustedSender(event, allowedOrigins)) {
      return log('warn', 'ipc.untrusted-sender', { channel: IPC_CHANNELS.intent, origin: event.senderFrame?.origin ?? null })
    }
    const checked = checkIntent(payload)
    if (!checked.ok) return log('warn', 'ipc.rejected', { reason: checked.reason })
    session.dispatch(checked.intent)
  }
  ipcMain.on(IPC_CHANNELS.intent, onIntent)
  ipcMain.handle(IPC_CHANNELS.current, (event) => {
    if (!isTrustedSender(event, allowedOrigins)) {
      log('warn', 'ipc.untrusted-sender', { channel: IPC_CHANNELS.current, origin: event.senderFrame?.origin ?? null })
      throw new Error('not allowed')
    }
    return session.snapshot()
  })
  return () => {
    ipcMain.removeListener(IPC_CHANNELS.intent, onIntent)
    ipcMain.removeHandler(IPC_CHANNELS.current)
  }
}

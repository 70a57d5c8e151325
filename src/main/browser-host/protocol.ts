// The bridge's wire protocol: what the page and the host say to each other over /bridge (the
// renderer's src/renderer/src/bridge/websocket-kiosk.ts speaks it too). Snapshots go out as
// {type:'snapshot', snapshot}; intents come in as {type:'intent', intent}, and nothing else does.
import type { RawData } from 'ws'
import type { Intent } from '../../shared/contract'
import { intentSchema } from '../../shared/contract'

export const BRIDGE_PATH = '/bridge'
/** The subprotocol the page asks for and the server answers with. */
export const BRIDGE_PROTOCOL = 'bankid-kiosk.v1'
/** The page's second subprotocol entry: this prefix and the token. Never echoed back. */
export const TOKEN_PROTOCOL_PREFIX = 'bankid-kiosk.token.'
/** Close code for a connection a newer renderer replaced: the page must not reconnect. */
export const REPLACED_CLOSE_CODE = 4001
/** Close code for a connection that kept sending what the contract does not allow. */
export const POLICY_CLOSE_CODE = 1008

export type ParsedIntent = { ok: true; value: Intent } | { ok: false; error: { reason: string; issues?: string[] } }

/** An intent from a message, or why not. Never returns or logs anything of the payload itself. */
export function parseIntent(data: RawData, isBinary: boolean): ParsedIntent {
  const reject = (reason: string, issues?: string[]): ParsedIntent => ({ ok: false, error: issues ? { reason, issues } : { reason } })
  if (isBinary) return reject('binary')
  let message: unknown
  try {
    message = JSON.parse(rawText(data))
  } catch {
    return reject('json')
  }
  if (!isPlainObject(message)) return reject('not-object')
  if (message.type !== 'intent') return reject('unknown-type')
  const keys = Object.keys(message)
  if (keys.length !== 2 || !('intent' in message)) return reject('envelope')
  const intent = intentSchema.safeParse(message.intent)
  // Issue codes only: messages and paths can repeat what was sent (an unknown key's name).
  if (!intent.success) return reject('intent', intent.error.issues.slice(0, 5).map((issue) => issue.code))
  return { ok: true, value: intent.data }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

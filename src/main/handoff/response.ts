// What the school's service may answer, checked before anything of it reaches the screen:
//   { "message": "text for the parent" }   shown on the kiosk, or
//   { "url": "https://…" }                  opened in the locked view; it must be on handoff.allowedOrigins.
// Exactly one of the two; other keys are ignored. Anything else is a failed hand-off.
import { z } from 'zod'
import { isOnAllowedOrigins } from './origins'

export const MAX_MESSAGE_CHARS = 1_000
export const MAX_URL_CHARS = 2_048

export type HandoffAnswer = { kind: 'message'; message: string } | { kind: 'url'; url: string }

const answerSchema = z
  .object({
    message: z.string().max(MAX_MESSAGE_CHARS).optional(),
    url: z.string().max(MAX_URL_CHARS).optional(),
  })
  .refine((answer) => (answer.message === undefined) !== (answer.url === undefined))

export type AnswerCheck = { ok: true; answer: HandoffAnswer } | { ok: false; reason: 'malformed' | 'origin' }

/** Control characters (a line break included) become spaces: the message is one paragraph of text. */
function cleanMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
}

export function parseAnswer(json: unknown, allowedOrigins: readonly string[]): AnswerCheck {
  const parsed = answerSchema.safeParse(json)
  if (!parsed.success) return { ok: false, reason: 'malformed' }
  const { message, url } = parsed.data
  if (message !== undefined) {
    const cleaned = cleanMessage(message)
    return cleaned === '' ? { ok: false, reason: 'malformed' } : { ok: true, answer: { kind: 'message', message: cleaned } }
  }
  if (url === undefined || !URL.canParse(url) || new URL(url).protocol !== 'https:') return { ok: false, reason: 'malformed' }
  if (!isOnAllowedOrigins(url, allowedOrigins)) return { ok: false, reason: 'origin' }
  return { ok: true, answer: { kind: 'url', url: new URL(url).href } }
}

// Turns a zod issue into the one sentence an administrator reads on the out-of-service screen:
// which key (as written in the file), what is wrong, what is allowed, and what was found there.
import { z } from 'zod'

export interface SettingsProblem {
  /** The key path as the admin wrote it, e.g. "timing.collectIntervalSeconds"; null for the file as a whole. */
  key: string | null
  problem: string
}

type Path = readonly PropertyKey[]

/** Under bankid.passphrase only a misplaced secret could be found: never repeat it. */
const SECRET_PATHS: readonly (readonly string[])[] = [
  ['bankid', 'passphrase'],
  // A shared secret, and an address that may hold a password.
  ['health', 'heartbeat', 'secret'],
  ['health', 'heartbeat', 'url'],
  ['bankid', 'url'],
  // The hand-off's shared secret and client-certificate passphrase (a misplaced secret written inline).
  ['handoff', 'secret'],
  ['handoff', 'passphrase'],
  ['handoff', 'url'],
  // An administrator may have written the PIN itself here.
  ['staff', 'pinHash'],
  // The gateway's (settings/schema.ts there): its server certificate's passphrase and its state secrets.
  ['server', 'passphrase'],
  ['state', 'secret'],
  ['state', 'previousSecret'],
]
const isSecret = (path: Path) => SECRET_PATHS.some((prefix) => prefix.every((segment, i) => path[i] === segment))

const MAX_ECHO = 40

export function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): SettingsProblem {
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? ''
    const key = shownName(keyOf([...issue.path, unknown]))
    return { key, problem: `Setting "${key}" is not a known setting (${unknownKeyHint(unknown, issue.path, schema)}).` }
  }
  const { key, subject } = subjectOf(issue.path)
  const suffix = isSecret(issue.path) ? '' : valueSuffix(issue, valueAt(input, issue.path))
  return { key, problem: `${subject} ${issue.message}${suffix}.` }
}

/** A fallback for issues no field worded itself; the schema words all it knows about. */
export function fallbackPhrase(issue: z.core.$ZodRawIssue): string {
  return issue.code === 'invalid_type' ? `must be of type ${issue.expected}` : 'is not valid'
}

// ---- subject and value ----

function keyOf(path: Path): string {
  return path.filter((segment) => typeof segment === 'string').join('.')
}

/** `Setting "a.b"`, or `Item 3 of setting "banks"` for an entry of a list. */
function subjectOf(path: Path): { key: string | null; subject: string } {
  if (path.length === 0) return { key: null, subject: 'The settings' }
  const key = keyOf(path)
  const last = path.at(-1)
  return typeof last === 'number'
    ? { key, subject: `Item ${last + 1} of setting "${key}"` }
    : { key, subject: `Setting "${key}"` }
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[segment]
  }
  return value
}

function valueSuffix(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return ''
  const size = issue.code === 'too_small' || issue.code === 'too_big'
  if (size && (value === '' || (Array.isArray(value) && value.length === 0))) return ' (it is empty)'
  if (size && typeof value === 'string') {
    return ` (it has ${value.length} characters)`
  }
  if (size && Array.isArray(value)) {
    return ` (it lists ${value.length})`
  }
  // A list or group is named only when its kind is the problem, not for a rule about its contents.
  const kindIsWrong = issue.code === 'invalid_type' || issue.code === 'invalid_value'
  if (Array.isArray(value)) return kindIsWrong ? ' (it is a list)' : ''
  if (typeof value === 'object' && value !== null) return kindIsWrong ? ' (it is a group { })' : ''
  return ` (it is ${echo(value)})`
}

/** A value as JSON, cut short: the admin recognises it, and a long paste does not flood the screen. */
export function echo(value: unknown): string {
  if (typeof value !== 'string') return String(value)
  if (value.length <= MAX_ECHO) return printable(JSON.stringify(value))
  return printable(`${JSON.stringify(value.slice(0, MAX_ECHO)).slice(0, -1)}…"`)
}

/**
 * Control characters and line or paragraph separators as visible \uXXXX escapes: whatever the file
 * holds, the sentence stays one line on the out-of-service screen and in the log.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A path from the settings, printable and at most about 100 characters: its start and its file name survive. */
export function shownPath(file: string): string {
  const text = printable(file)
  return text.length <= 100 ? text : `${text.slice(0, 30)}…${text.slice(-69)}`
}

/** A name the admin wrote (an unknown key, a variable), printable and cut short. */
export function shownName(name: string): string {
  const text = printable(name)
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO - 1)}…`
}

/** The longest sentence worth showing; a list of known keys is cut to fit. */
export const MAX_SENTENCE = 280

// ---- unknown keys ----

function unknownKeyHint(unknown: string, parentPath: Path, schema: z.ZodType): string {
  const known = knownKeys(schema, parentPath)
  const prefix = parentPath.length === 0 ? '' : `${keyOf(parentPath)}.`
  const suggestion = closest(unknown, known)
  if (suggestion !== null) return `did you mean "${prefix}${suggestion}"?`
  if (known.length === 0) return 'there are no settings here'
  const where = parentPath.length === 0 ? 'the top-level settings are' : `the settings in "${keyOf(parentPath)}" are`
  // Only as many names as keep the sentence short; docs/settings.md has them all.
  const names = known.map((name) => `"${name}"`)
  let shown = names.length
  while (shown > 1 && names.slice(0, shown).join(', ').length > MAX_SENTENCE / 2) shown--
  const more = shown < names.length ? ` and ${names.length - shown} more in docs/settings.md` : ''
  return `${where} ${names.slice(0, shown).join(', ')}${more}`
}

/** The keys the schema allows in the object at path, looking through defaults, optionals and transforms. */
function knownKeys(schema: z.ZodType, path: Path): string[] {
  let current: unknown = schema
  for (let depth = 0; ; depth++) {
    current = unwrap(current)
    if (!(current instanceof z.ZodObject)) return []
    const shape = current.shape as Record<string, unknown>
    const segment = path[depth]
    if (segment === undefined) return Object.keys(shape)
    if (typeof segment !== 'string') return []
    current = shape[segment]
  }
}

function unwrap(schema: unknown): unknown {
  for (;;) {
    if (
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodPrefault ||
      schema instanceof z.ZodOptional ||
      schema instanceof z.ZodNullable
    ) {
      schema = schema.unwrap()
    } else if (schema instanceof z.ZodPipe) {
      schema = schema.in
    } else {
      return schema
    }
  }
}

/** The known key nearest by edit distance (ignoring case), if near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | null {
  const limit = word.length <= 4 ? 1 : word.length <= 12 ? 2 : 3
  let best: string | null = null
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance, counting a swap of two neighbours as one edit (the commonest typo). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? []
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, at(i - 2, j - 2) + 1)
      }
      row[j] = distance
    }
  }
  return at(a.length, b.length)
}

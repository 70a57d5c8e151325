// The kiosk certificates IT has shut out (product.md §9): a text file of serial numbers and SHA-256
// fingerprints, re-read when it changes so that one terminal can be locked out at once, without a
// restart. A file that becomes unreadable or malformed keeps the last good list (never less strict
// because of a typo) and says so in the log.
import { watchFile, unwatchFile } from 'node:fs'
import { readSettingFile, settingProblem } from '../main/settings/secret-files'
import { shownPath } from '../main/settings/messages'

export interface RevocationList {
  serials: ReadonlySet<string>
  fingerprints: ReadonlySet<string>
}

export const EMPTY_REVOCATIONS: RevocationList = { serials: new Set(), fingerprints: new Set() }

/** Upper-case hex without separators or leading zeros: how serials are compared. */
export const normaliseSerial = (serial: string): string => serial.replace(/[:\s]/g, '').toUpperCase().replace(/^0+(?=.)/, '')
/** Upper-case hex pairs joined by colons, as Node's fingerprint256. */
export const normaliseFingerprint = (fingerprint: string): string => {
  const hex = fingerprint.replace(/[:\s]/g, '').toUpperCase()
  return hex.match(/../g)?.join(':') ?? ''
}

/** Parses the file's text; throws an Error naming the line for anything it cannot read. */
export function parseRevocations(text: string): RevocationList {
  const serials = new Set<string>()
  const fingerprints = new Set<string>()
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = raw.replace(/#.*$/, '').trim()
      if (line === '') return
      const match = /^(serial|sha256):\s*([0-9A-Fa-f:\s]+)$/i.exec(line)
      const kind = match?.[1]?.toLowerCase()
      const value = match?.[2]?.replace(/[:\s]/g, '') ?? ''
      if (kind === 'sha256' && /^[0-9A-Fa-f]{64}$/.test(value)) fingerprints.add(normaliseFingerprint(value))
      else if (kind === 'serial' && /^[0-9A-Fa-f]{1,40}$/.test(value)) serials.add(normaliseSerial(value))
      else throw new Error(`line ${index + 1} is neither "serial:HEX" nor "sha256:" and 64 hexadecimal digits`)
    })
  return { serials, fingerprints }
}

export async function readRevocationFile(key: string, file: string): Promise<RevocationList> {
  const text = (await readSettingFile(key, file)).toString('utf8')
  try {
    return parseRevocations(text)
  } catch (error) {
    throw settingProblem(key, `${shownPath(file)}: ${(error as Error).message}`)
  }
}

export function isRevoked(list: RevocationList, certificate: { serialNumber: string; fingerprint256: string }): boolean {
  return list.serials.has(normaliseSerial(certificate.serialNumber)) || list.fingerprints.has(normaliseFingerprint(certificate.fingerprint256))
}

export interface RevocationWatch {
  current(): RevocationList
  /** Reads the file now (as a change would); resolves once the list is swapped in or refused. */
  reload(): Promise<void>
  close(): void
}

/**
 * Polls the file's mtime and size (fs.watchFile): that sees an editor's save-by-rename and a
 * Kubernetes ConfigMap's symlink swap alike, where fs.watch on the file would lose track.
 */
export function watchRevocations(options: {
  key: string
  file: string
  initial: RevocationList
  intervalMs?: number
  onChange: (list: RevocationList, previous: RevocationList) => void
  onError: (problem: string) => void
}): RevocationWatch {
  let list = options.initial
  let closed = false
  const reload = async () => {
    try {
      const next = await readRevocationFile(options.key, options.file)
      if (closed) return
      const previous = list
      list = next
      options.onChange(next, previous)
    } catch (error) {
      if (!closed) options.onError((error as Error).message)
    }
  }
  const listener = () => void reload()
  watchFile(options.file, { interval: options.intervalMs ?? 1_000, persistent: false }, listener)
  return {
    current: () => list,
    reload,
    close() {
      closed = true
      unwatchFile(options.file, listener)
    },
  }
}

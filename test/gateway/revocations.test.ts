// The revocation list: its text format, matching Node's view of a kiosk's certificate, and the
// watch that swaps in a changed file (and keeps the last good list when the file breaks).
import { X509Certificate } from 'node:crypto'
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import forge from 'node-forge'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { issueCertificate, newKeyPair, toPem, validity } from '../../src/main/pki/issue'
import type { KeyPair } from '../../src/main/pki/issue'
import {
  EMPTY_REVOCATIONS,
  isRevoked,
  normaliseFingerprint,
  normaliseSerial,
  parseRevocations,
  readRevocationFile,
  watchRevocations,
} from '../../src/gateway/revocations'
import type { RevocationList, RevocationWatch } from '../../src/gateway/revocations'

const FP_HEX = 'ab'.repeat(16) + '0f'.repeat(16)
const FP = (FP_HEX.toUpperCase().match(/../g) ?? []).join(':')

describe('parseRevocations', () => {
  it('reads serial: and sha256: lines, comments, blank lines, a BOM and CRLF', () => {
    const text = [
      '\uFEFF# Kiosks shut out by IT',
      '',
      'serial:01AB   # reception A, stolen 2026-02-01',
      '   ',
      `sha256:${FP_HEX}`,
      '\t# an indented comment',
      'serial:ff',
      '',
    ].join('\r\n')
    const list = parseRevocations(text)
    expect([...list.serials].sort()).toEqual(['1AB', 'FF'])
    expect([...list.fingerprints]).toEqual([FP])
  })

  it('ignores case, colons, white space and leading zeros', () => {
    const list = parseRevocations(
      [
        'SERIAL:00:0a:Bc',
        'Serial: 0A BC', // the same serial again
        `SHA256:${FP.toLowerCase()}`,
        `sha256: ${FP_HEX.slice(0, 32)} ${FP_HEX.slice(32)}`, // the same fingerprint again
        'serial:0',
        'serial:0000',
      ].join('\n'),
    )
    expect([...list.serials].sort()).toEqual(['0', 'ABC'])
    expect([...list.fingerprints]).toEqual([FP])
  })

  it('is empty for an empty file, a BOM alone or only comments', () => {
    for (const text of ['', '\uFEFF', '# nothing\n\n   # still nothing\n']) {
      const list = parseRevocations(text)
      expect(list.serials.size + list.fingerprints.size, JSON.stringify(text)).toBe(0)
    }
  })

  it.each([
    ['a bare serial', 'serial:01\n# ok\n01AB', 3],
    ['not hexadecimal', 'serial:xyz', 1],
    ['an empty serial', '\n\nserial:', 3],
    ['only colons', 'serial: : :', 1],
    ['a serial of 41 digits', `serial:${'1'.repeat(41)}`, 1],
    ['a fingerprint too short', `# one\nsha256:${FP_HEX.slice(2)}`, 2],
    ['a fingerprint too long', `sha256:${FP_HEX}00`, 1],
    ['another hash', `sha1:${'ab'.repeat(20)}`, 1],
    ['a name', 'serial:01\r\nserial:02\r\nreception-a', 3],
    ['a serial with a dash', 'serial:01-02', 1],
  ])('refuses %s, naming the line', (_what, text, line) => {
    expect(() => parseRevocations(text)).toThrow(new RegExp(`^line ${line} is neither`))
  })

  it('normalises as it compares', () => {
    expect(normaliseSerial('00:0a:bc')).toBe('ABC')
    expect(normaliseSerial('000')).toBe('0')
    expect(normaliseFingerprint(FP_HEX)).toBe(FP)
    expect(normaliseFingerprint(FP.toLowerCase())).toBe(FP)
  })
})

describe('isRevoked against Node\'s X509Certificate', () => {
  let keys: KeyPair
  /** A real certificate with the given serial (hex, as forge writes it into the DER), read back by Node. */
  const certificate = (serial?: string): X509Certificate => {
    const cert = issueCertificate('reception-a', 'client', keys, null, validity(new Date(), 1), { organization: 'Testskolan' })
    if (serial !== undefined) {
      cert.serialNumber = serial
      cert.sign(keys.forgeKey, forge.md.sha256.create())
    }
    return new X509Certificate(toPem(cert))
  }

  beforeAll(async () => {
    keys = await newKeyPair()
  })

  it('matches a serial in the forms IT copies it: Node\'s, openssl\'s with colons, lower case, leading zeros', () => {
    const issued = certificate()
    const other = certificate()
    const serial = issued.serialNumber
    expect(serial).toMatch(/^[0-9A-F]+$/)
    const colons = (serial.toLowerCase().match(/../g) ?? []).join(':')
    for (const line of [`serial:${serial}`, `serial:${serial.toLowerCase()}`, `serial:${colons}`, `serial:00${serial}`]) {
      const list = parseRevocations(line)
      expect(isRevoked(list, issued), line).toBe(true)
      expect(isRevoked(list, other), line).toBe(false)
    }
  })

  it('matches serials Node writes with a leading zero, or that need a zero byte in DER', () => {
    // Node writes 0A0B as "0A0B"; a serial with its top bit set is 00FF12AB in DER, "FF12AB" to Node.
    for (const [serial, written] of [
      ['0a0b', ['serial:A0B', 'serial:0A0B', 'serial:000a0b']],
      ['00ff12ab', ['serial:FF12AB', 'serial:00:FF:12:AB']],
      ['01', ['serial:1', 'serial:01']],
    ] as const) {
      const cert = certificate(serial)
      for (const line of written) expect(isRevoked(parseRevocations(line), cert), `${cert.serialNumber} vs ${line}`).toBe(true)
      expect(isRevoked(parseRevocations('serial:A0B0'), cert)).toBe(false)
    }
  })

  it('matches a fingerprint with or without colons, in any case', () => {
    const issued = certificate()
    const other = certificate()
    const fingerprint = issued.fingerprint256
    const hex = fingerprint.replace(/:/g, '')
    for (const line of [`sha256:${fingerprint}`, `sha256:${hex.toLowerCase()}`, `SHA256: ${fingerprint.toLowerCase()}`]) {
      const list = parseRevocations(line)
      expect(isRevoked(list, issued), line).toBe(true)
      expect(isRevoked(list, other), line).toBe(false)
    }
  })

  it('does not revoke by a serial that is only a fingerprint\'s prefix, nor anything from an empty list', () => {
    const issued = certificate()
    const prefix = issued.fingerprint256.replace(/:/g, '').slice(0, 32)
    expect(isRevoked(parseRevocations(`serial:${prefix}`), issued)).toBe(false)
    expect(isRevoked(EMPTY_REVOCATIONS, issued)).toBe(false)
  })
})

describe('readRevocationFile', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gateway-revocations-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('reads the file, or names the key, the file and the line', async () => {
    const file = path.join(dir, 'list.txt')
    await writeFile(file, `serial:0A\n# fine\nsha256:${FP_HEX}\n`)
    const list = await readRevocationFile('kiosks.revocationFile', file)
    expect([...list.serials]).toEqual(['A'])
    await writeFile(file, 'serial:0A\n\nnot a line\n')
    await expect(readRevocationFile('kiosks.revocationFile', file)).rejects.toThrow(
      `Setting "kiosks.revocationFile": ${file}: line 3 is neither "serial:HEX" nor "sha256:" and 64 hexadecimal digits.`,
    )
    await expect(readRevocationFile('kiosks.revocationFile', path.join(dir, 'missing.txt'))).rejects.toThrow(
      /^Setting "kiosks\.revocationFile": the file .*missing\.txt does not exist\.$/,
    )
  })
})

describe('watchRevocations', () => {
  let dir: string
  let file: string
  let watch: RevocationWatch | null = null
  let changes: { list: RevocationList; previous: RevocationList }[]
  let errors: string[]

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gateway-revocations-watch-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  afterEach(() => {
    watch?.close()
    watch = null
  })

  let files = 0
  async function start(text: string): Promise<RevocationWatch> {
    file = path.join(dir, `revocations-${++files}.txt`)
    await writeFile(file, text)
    changes = []
    errors = []
    const initial = parseRevocations(text)
    watch = watchRevocations({
      key: 'kiosks.revocationFile',
      file,
      initial,
      intervalMs: 20,
      onChange: (list, previous) => changes.push({ list, previous }),
      onError: (problem) => errors.push(problem),
    })
    // fs.watchFile takes its first stat asynchronously; a change before that would be its baseline.
    await sleep(60)
    return watch
  }

  const serials = (list: RevocationList) => [...list.serials].sort()

  it('picks up a rewrite within a few poll intervals', async () => {
    const w = await start('serial:01\n')
    expect(serials(w.current())).toEqual(['1'])
    const written = performance.now()
    await writeFile(file, 'serial:01\nserial:02\n')
    await until(() => changes.length === 1, 'the rewrite is seen')
    expect(performance.now() - written).toBeLessThan(1_000)
    expect(serials(w.current())).toEqual(['1', '2'])
    expect(serials(changes[0]?.previous ?? EMPTY_REVOCATIONS)).toEqual(['1'])
    expect(changes[0]?.list).toBe(w.current())
    expect(errors).toEqual([])
  })

  it('picks up a file renamed over it (an editor\'s save, a ConfigMap swap)', async () => {
    const w = await start('serial:01\n')
    const temp = path.join(dir, `.${path.basename(file)}.tmp`)
    await writeFile(temp, `sha256:${FP_HEX}\n`)
    await rename(temp, file)
    await until(() => changes.length === 1, 'the renamed file is seen')
    expect(serials(w.current())).toEqual([])
    expect([...w.current().fingerprints]).toEqual([FP])
  })

  it('keeps the last good list on garbage and says so, then takes the next good one', async () => {
    const w = await start('serial:01\n')
    await writeFile(file, 'serial:02\n')
    await until(() => changes.length === 1, 'the first change is seen')
    const good = w.current()
    await writeFile(file, 'serial:03\nthis is not a revocation list at all\n')
    await until(() => errors.length === 1, 'the garbage is noticed')
    expect(errors[0]).toBe(
      `Setting "kiosks.revocationFile": ${file}: line 2 is neither "serial:HEX" nor "sha256:" and 64 hexadecimal digits.`,
    )
    expect(w.current()).toBe(good)
    expect(changes).toHaveLength(1)
    await writeFile(file, 'serial:04\nserial:05\n')
    await until(() => changes.length === 2, 'the repaired file is seen')
    expect(serials(w.current())).toEqual(['4', '5'])
    expect(changes[1]?.previous).toBe(good)
  })

  it('keeps the last good list when the file disappears', async () => {
    const w = await start('serial:01\n')
    const before = w.current()
    await unlink(file)
    await until(() => errors.length >= 1, 'the missing file is noticed')
    expect(errors[0]).toMatch(/^Setting "kiosks\.revocationFile": the file .* does not exist\.$/)
    expect(w.current()).toBe(before)
    expect(changes).toEqual([])
  })

  it('reload() reads the file now', async () => {
    const w = await start('serial:01\n')
    await writeFile(file, 'serial:0F\n')
    await w.reload()
    expect(serials(w.current())).toEqual(['F'])
  })

  it('stops after close(): no more changes, errors or reloads', async () => {
    const w = await start('serial:01\n')
    w.close()
    await writeFile(file, 'serial:01\nserial:02\nserial:03\n')
    await sleep(200) // 10 poll intervals
    await writeFile(file, 'garbage\n')
    await sleep(200)
    await w.reload()
    expect(changes).toEqual([])
    expect(errors).toEqual([])
    expect(serials(w.current())).toEqual(['1'])
  })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = performance.now() + ms
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting until ${what}`)
    await sleep(5)
  }
}

// The privacy audit after a soak (product.md §6): a thousand full sessions through the whole
// runtime — settings file, the file logger at its most talkative (debug), the built-in BankID
// simulator over mutual TLS, the session engine, the real electron-store for the counters — with
// a seeded mix of every way a login ends, each session with its own personnummer and name. Then
// every file the kiosk could have written is searched for every one of them: the data folder
// (logs, counters, simulator) and anything new in the OS temp folder. Zero hits; and the counters
// hold exactly what the sessions ended in, nothing more.
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sessionSettings } from '../../src/main/runtime'
import type { KioskRuntime } from '../../src/main/runtime'
import { loadOrCreateSimulatorPki } from '../../src/main/simulator/certificates'
import { ManualScheduler } from '../support/manual-scheduler'
import { startTestRuntime } from '../support/runtime'
import { MIX_KINDS, MIX_TIMING_SECONDS, nameForms, personnummerForms, runSessionMix, SecretSearch, secretsOfResult } from '../support/session-mix'
import type { MixResult } from '../support/session-mix'
import { TEST_PKI_DIR } from '../support/simulator'

vi.mock('electron', () => ({ default: { app: undefined, ipcMain: undefined, shell: undefined } }))

/** SOAK_SESSIONS=5000 npx vitest run test/main/soak-privacy.test.ts for a longer soak. */
const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 1_000)
const SEED = 20_261_124
const TODAY = '2026-11-24'
/** Files larger than this (someone else's in the temp folder) are listed, not read. */
const MAX_READ_BYTES = 64 * 1024 * 1024

interface Found {
  files: string[]
  skipped: string[]
}

/** Every regular file under `path` (a file or a folder); things that vanish meanwhile are ignored. */
function walk(path: string, found: Found): void {
  let stat
  try {
    stat = lstatSync(path)
  } catch {
    return
  }
  if (stat.isDirectory()) {
    let names: string[]
    try {
      names = readdirSync(path)
    } catch {
      found.skipped.push(`${path} (unreadable folder)`)
      return
    }
    for (const name of names) walk(join(path, name), found)
  } else if (stat.isFile()) {
    if (stat.size > MAX_READ_BYTES) found.skipped.push(`${path} (${stat.size} bytes)`)
    else found.files.push(path)
  }
}

function read(path: string): string | null {
  try {
    const bytes = readFileSync(path)
    // UTF-8 for text, Latin-1 so that every byte of a binary file is looked at as a character too.
    return `${bytes.toString('utf8')}\n${bytes.toString('latin1')}`
  } catch {
    return null
  }
}

const tempBefore = new Set(readdirSync(tmpdir()))
let runtime: KioskRuntime | null = null
let dataDir = ''

afterAll(async () => {
  await runtime?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe(`a soak of ${SESSIONS} mixed sessions through the runtime`, () => {
  let result: MixResult

  it('plays every session to its end, without a hang or an unexpected screen', { timeout: 180_000 }, async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-soak-privacy-'))
    // The simulator's certificates, made once per machine for the tests (RSA keys are slow to make).
    await loadOrCreateSimulatorPki(TEST_PKI_DIR)
    mkdirSync(join(dataDir, 'simulator'))
    cpSync(TEST_PKI_DIR, join(dataDir, 'simulator'), { recursive: true })
    const settingsPath = join(dataDir, 'settings.json')
    writeFileSync(
      settingsPath,
      JSON.stringify({ school: { name: 'Soakskolan' }, logging: { level: 'debug' }, timing: MIX_TIMING_SECONDS }),
    )
    const scheduler = new ManualScheduler()
    runtime = await startTestRuntime({ settingsPath, dataDir, scheduler, version: 'soak' })
    if (!runtime.settings.ok || !runtime.simulator) throw new Error('expected valid settings and the built-in simulator')
    const effective = runtime.settings.settings
    const timing = sessionSettings(effective, effective.bankid.requestTimeoutSeconds * 1000, '').timing

    result = await runSessionMix(
      { session: runtime.session, simulator: runtime.simulator, scheduler, timing },
      // The 503 give-up waits for the client's real back-off (0.5 + 1 + 2 s) each time, and the
      // paths that wait out minutes of QR are the slow ones: the bench runs more of both.
      {
        sessions: SESSIONS,
        seed: SEED,
        skipVariants: ['503 on /auth until the retries give up'],
        weights: { 'scan-failed': 0.5, 'idle-waiting': 0.5, timeout: 0.5 },
      },
    )
    await runtime.close()
    runtime = null

    expect(result.errors).toEqual([])
    expect(result.sessions).toBe(SESSIONS)
    // Every path of the mix came up, and every outcome but tls (which needs an untrusted server).
    expect(Object.keys(result.kinds).sort()).toEqual([...MIX_KINDS].sort())
    expect(Object.keys(result.outcomes).sort()).toEqual(
      ['abandoned', 'already-in-progress', 'app-too-old', 'bankid-unavailable', 'blocked', 'cancelled', 'cancelled-in-app', 'cancelled-new-order', 'network', 'risk-blocked', 'scan-failed', 'success', 'timeout', 'unknown'].sort(),
    )
    console.info(
      `soak: ${result.sessions} sessions in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
        `(${(result.sessions / (result.elapsedMs / 1000)).toFixed(0)}/s; ${(result.simulatedMs / 3_600_000).toFixed(1)} h of BankID time), ` +
        `${result.decodedScans} QR codes read off the screen, out of service ${result.outOfService} time(s)`,
    )
  })

  it('leaves no personnummer and no name in any file: data folder, logs, counters, temp folder', () => {
    expect(result, 'the soak must have run').toBeDefined()
    const secrets = secretsOfResult(result)
    // A fresh personnummer and a fresh name for every session.
    expect(new Set(result.played.map((session) => session.person.personalNumber)).size).toBe(SESSIONS)
    expect(new Set(result.played.map((session) => `${session.person.givenName} ${session.person.surname}`)).size).toBe(SESSIONS)
    const search = new SecretSearch([...secrets.personnummer, ...secrets.names])

    // The search finds what it looks for (every form, in UTF-8 and in Latin-1 bytes).
    const someone = result.played.find((session) => /[åäöğ]/.test(session.person.surname + session.person.givenName))!.person
    const planted = [...personnummerForms(someone.personalNumber), ...nameForms(someone)]
    const plantedText = `x${planted.join('|')}y ${Buffer.from(planted.join(' ')).toString('latin1')}`
    expect(search.find(plantedText).sort()).toEqual([...new Set(planted)].sort())

    const found: Found = { files: [], skipped: [] }
    walk(dataDir, found)
    for (const name of readdirSync(tmpdir())) {
      if (!tempBefore.has(name) && join(tmpdir(), name) !== dataDir) walk(join(tmpdir(), name), found)
    }
    const logFiles = found.files.filter((path) => path.startsWith(join(dataDir, 'logs')))
    expect(logFiles.length).toBeGreaterThan(0)
    expect(found.files).toContain(join(dataDir, 'counters.json'))

    const hits: string[] = []
    let bytes = 0
    for (const path of found.files) {
      const text = read(path)
      if (text === null) continue
      bytes += text.length / 2
      for (const secret of search.find(text)) hits.push(`${path}: "${secret}" (session ${secrets.owner.get(secret)})`)
    }
    expect(hits).toEqual([])

    // The log did record the sessions (so the search looked at something real).
    const log = logFiles.map((path) => readFileSync(path, 'utf8')).join('')
    const ends = log.split('\n').filter((line) => line.includes('"event":"session.end"'))
    const counted = Object.values(result.outcomes).reduce((sum, n) => sum + n, 0)
    expect(ends).toHaveLength(counted)
    console.info(`audit: ${found.files.length} files (${(bytes / 1e6).toFixed(1)} MB) searched for ${secrets.personnummer.length + secrets.names.length} secrets; ${found.skipped.length} skipped: ${found.skipped.join(', ')}`)
  })

  it('the counters hold exactly what the sessions ended in', () => {
    expect(result, 'the soak must have run').toBeDefined()
    const counters = JSON.parse(readFileSync(join(dataDir, 'counters.json'), 'utf8')) as unknown
    expect(counters).toEqual({ counts: { [TODAY]: result.outcomes } })
  })
})

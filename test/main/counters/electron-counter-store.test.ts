// openElectronCounterStore with the real electron-store and a stand-in electron whose app reports a
// temporary userData directory: the counters land in <userData>/counters.json. (A file of its own:
// vi.mock is per file, and outcome-counters.test.ts mocks electron without an app.)
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { OutcomeCounters, openElectronCounterStore } from '../../../src/main/counters/outcome-counters'

// vi.hoisted runs before the imports above are evaluated, so it imports what it needs itself.
const userData = await vi.hoisted(async () => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  return mkdtempSync(join(tmpdir(), 'kiosk-userdata-'))
})

const ipcChannels = vi.hoisted(() => new Set<string>())

vi.mock('electron', () => ({
  default: {
    app: { getPath: (name: string) => (name === 'userData' ? userData : '/nonexistent'), getVersion: () => '0.1.0' },
    ipcMain: {
      on: (channel: string) => ipcChannels.add(channel),
      removeAllListeners: (channel: string) => ipcChannels.delete(channel),
    },
    shell: undefined,
  },
}))

afterAll(() => {
  rmSync(userData, { recursive: true, force: true })
})

describe('openElectronCounterStore', () => {
  it('keeps the counts in counters.json in userData', async () => {
    const counters = new OutcomeCounters(await openElectronCounterStore())
    counters.record('success', '2026-11-24')
    counters.record('blocked', '2026-11-24')
    expect(readFileSync(path.join(userData, 'counters.json'), 'utf8')).toBe(
      JSON.stringify({ counts: { '2026-11-24': { success: 1, blocked: 1 } } }, undefined, '\t'),
    )
  })

  it('leaves no IPC channel of electron-store open in main', async () => {
    await openElectronCounterStore()
    expect([...ipcChannels]).toEqual([])
  })

  it('starts afresh from a corrupted file instead of throwing', async () => {
    writeFileSync(path.join(userData, 'counters.json'), 'not json')
    const counters = new OutcomeCounters(await openElectronCounterStore())
    expect(counters.days()).toEqual([])
  })
})

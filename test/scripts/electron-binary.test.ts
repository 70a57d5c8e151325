import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../scripts/electron-binary'

function fakeRoot(withPathTxt: boolean, withBinary: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'electron-bin-'))
  const dir = join(root, 'node_modules', 'electron')
  mkdirSync(join(dir, 'dist'), { recursive: true })
  if (withPathTxt) writeFileSync(join(dir, 'path.txt'), 'electron')
  if (withBinary) writeFileSync(join(dir, 'dist', 'electron'), '')
  return root
}

describe('findElectronBinary', () => {
  it('is null when the package has no binary (this machine: no download possible)', () => {
    expect(findElectronBinary(fakeRoot(false, false), {})).toBeNull()
    expect(findElectronBinary(fakeRoot(true, false), {})).toBeNull()
  })
  it('finds dist/<path.txt> when it exists', () => {
    const root = fakeRoot(true, true)
    expect(findElectronBinary(root, {})).toBe(join(root, 'node_modules', 'electron', 'dist', 'electron'))
  })
  it('honours ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_EXEC_PATH', () => {
    const root = fakeRoot(true, false)
    const dist = mkdtempSync(join(tmpdir(), 'electron-dist-'))
    writeFileSync(join(dist, 'electron'), '')
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toBe(join(dist, 'electron'))
    expect(findElectronBinary(root, { ELECTRON_EXEC_PATH: join(dist, 'electron') })).toBe(join(dist, 'electron'))
    expect(findElectronBinary(root, { ELECTRON_EXEC_PATH: join(dist, 'missing') })).toBeNull()
  })
})

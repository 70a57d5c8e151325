// Shared by the packaging tests: electron-builder's own config loading, and the offline stand-in
// for the Electron binary electron-builder would otherwise download from GitHub.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Configuration } from 'app-builder-lib'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util/out/DebugLogger'

export const root = resolve(import.meta.dirname, '../..')

/** electron-builder.yml (or the one in projectDir) merged with overrides, validated by electron-builder's schema. */
export async function loadBuilderConfig(projectDir: string, overrides: Configuration | null = null): Promise<Configuration> {
  const config = await getConfig(projectDir, null, overrides)
  await validateConfiguration(config, new DebugLogger(false))
  return config
}

/** @electron/fuses finds the fuse wire after this sentinel in the Electron binary. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** Electron's defaults for the 8 fuses @electron/fuses 1.8 knows (RunAsNode … GrantFileProtocolExtraPrivileges). */
export const DEFAULT_FUSE_WIRE = '10110001'

/**
 * A directory electron-builder accepts as -c.electronDist: an executable `electron` (a shell script
 * that carries a fuse wire in a comment, so electron-builder's fuse flipping has something to flip)
 * and the two licence files it copies.
 */
export function makeStandInElectronDist(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# Stand-in for the Electron binary (test/packaging). Fuse wire: ${FUSE_SENTINEL}`),
    Buffer.from([1, DEFAULT_FUSE_WIRE.length]), // fuse wire version 1, length
    Buffer.from(`${DEFAULT_FUSE_WIRE}\necho 'stand-in Electron: nothing to run' >&2\nexit 1\n`),
  ])
  writeFileSync(join(dir, 'electron'), wire)
  chmodSync(join(dir, 'electron'), 0o755)
  writeFileSync(join(dir, 'LICENSE'), '')
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '')
  return dir
}

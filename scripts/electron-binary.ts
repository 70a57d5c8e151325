// Finds the Electron binary without require('electron'), which would try to download it
// (toolchain.md §7): honours ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_EXEC_PATH, else reads
// node_modules/electron/path.txt and checks that the file it names exists.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ELECTRON_EXEC_PATH) return existsSync(env.ELECTRON_EXEC_PATH) ? env.ELECTRON_EXEC_PATH : null
  const electronDir = join(root, 'node_modules', 'electron')
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist'), relative)
  return existsSync(binary) ? binary : null
}

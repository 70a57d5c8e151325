// npm's install-script policy (npm 11: dependency scripts run only when package.json allows them):
// every dependency in the lock file that has an install script is decided in "allowScripts", so a
// clean `npm ci` warns about none, and the ones building installers needs (esbuild's binary check,
// electron-winstaller's 7-Zip choice) actually run.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> }
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>
}

const withScripts = [
  ...new Set(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  ),
].sort()

it('decides every install script in the lock file', () => {
  expect(withScripts.length).toBeGreaterThan(0)
  expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts)
})

it('allows the ones the build needs', () => {
  expect(pkg.allowScripts).toMatchObject({ esbuild: true, 'electron-winstaller': true })
})

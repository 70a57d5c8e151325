// Writes docs/settings.md, the administrators' settings reference, from the settings schema.
//   tsx scripts/settings-docs.ts           (npm run docs:settings) regenerates the page
//   tsx scripts/settings-docs.ts --check   exits 1, saying where, if the page is not what it would generate
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  REGENERATE_COMMAND,
  SETTINGS_DOC_FILE,
  SettingsDocError,
  describeDifference,
  renderSettingsDoc,
  settingsDocPath,
} from '../src/main/settings/documentation'

function main(args: readonly string[]): number {
  const file = settingsDocPath(fileURLToPath(new URL('..', import.meta.url)))
  let page: string
  try {
    page = renderSettingsDoc()
  } catch (error) {
    if (!(error instanceof SettingsDocError)) throw error
    console.error(`${SETTINGS_DOC_FILE} cannot be generated: ${error.message}`)
    return 1
  }

  if (args.includes('--check')) {
    const onDisk = existsSync(file) ? readFileSync(file, 'utf8') : null
    if (onDisk === null) {
      console.error(`${SETTINGS_DOC_FILE} is missing: run ${REGENERATE_COMMAND}.`)
      return 1
    }
    const difference = describeDifference(page, onDisk)
    if (difference !== null) {
      console.error(`${SETTINGS_DOC_FILE} is out of date: run ${REGENERATE_COMMAND}.\n${difference}`)
      return 1
    }
    console.log(`${SETTINGS_DOC_FILE} is up to date.`)
    return 0
  }

  writeFileSync(file, page)
  console.log(`Wrote ${SETTINGS_DOC_FILE}.`)
  return 0
}

process.exitCode = main(process.argv.slice(2))

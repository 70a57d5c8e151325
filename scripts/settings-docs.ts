// Writes docs/settings.md (the kiosk's settings reference) and docs/gateway-settings.md (the gateway's), from the schemas.
//   tsx scripts/settings-docs.ts           (npm run docs:settings) regenerates the page
//   tsx scripts/settings-docs.ts --check   exits 1, saying where, if the page is not what it would generate
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { GATEWAY_SETTINGS_DOC_FILE, renderGatewaySettingsDoc } from '../src/gateway/settings/documentation'
import {
  REGENERATE_COMMAND,
  SETTINGS_DOC_FILE,
  SettingsDocError,
  describeDifference,
  renderSettingsDoc,
  settingsDocPath,
} from '../src/main/settings/documentation'

/** One page: regenerated, or (--check) compared with what is on disk. */
function page(file: string, shown: string, render: () => string, args: readonly string[]): number {
  let text: string
  try {
    text = render()
  } catch (error) {
    if (!(error instanceof SettingsDocError)) throw error
    console.error(`${shown} cannot be generated: ${error.message}`)
    return 1
  }

  if (args.includes('--check')) {
    const onDisk = existsSync(file) ? readFileSync(file, 'utf8') : null
    if (onDisk === null) {
      console.error(`${shown} is missing: run ${REGENERATE_COMMAND}.`)
      return 1
    }
    const difference = describeDifference(text, onDisk)
    if (difference !== null) {
      console.error(`${shown} is out of date: run ${REGENERATE_COMMAND}.\n${difference}`)
      return 1
    }
    console.log(`${shown} is up to date.`)
    return 0
  }

  writeFileSync(file, text)
  console.log(`Wrote ${shown}.`)
  return 0
}

function main(args: readonly string[]): number {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const kiosk = page(settingsDocPath(root), SETTINGS_DOC_FILE, renderSettingsDoc, args)
  const gateway = page(path.join(root, GATEWAY_SETTINGS_DOC_FILE), GATEWAY_SETTINGS_DOC_FILE, renderGatewaySettingsDoc, args)
  return Math.max(kiosk, gateway)
}

process.exitCode = main(process.argv.slice(2))

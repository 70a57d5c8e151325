// Writes docs/reliability.md, the fault matrix's report, from the matrix the reliability suite runs.
//   tsx scripts/reliability-docs.ts           (npm run docs:reliability) regenerates the page
//   tsx scripts/reliability-docs.ts --check   exits 1, saying where, if the page is not what it would generate
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describeDifference } from '../src/main/settings/documentation'
import {
  REGENERATE_COMMAND,
  RELIABILITY_DOC_FILE,
  reliabilityDocPath,
  renderReliabilityDoc,
} from '../test/main/reliability/reliability-doc'

function main(args: readonly string[]): number {
  const file = reliabilityDocPath(fileURLToPath(new URL('..', import.meta.url)))
  const page = renderReliabilityDoc()

  if (args.includes('--check')) {
    const onDisk = existsSync(file) ? readFileSync(file, 'utf8') : null
    if (onDisk === null) {
      console.error(`${RELIABILITY_DOC_FILE} is missing: run ${REGENERATE_COMMAND}.`)
      return 1
    }
    const difference = describeDifference(page, onDisk)
    if (difference !== null) {
      console.error(`${RELIABILITY_DOC_FILE} is out of date: run ${REGENERATE_COMMAND}.\n${difference}`)
      return 1
    }
    console.log(`${RELIABILITY_DOC_FILE} is up to date.`)
    return 0
  }

  writeFileSync(file, page)
  console.log(`Wrote ${RELIABILITY_DOC_FILE}.`)
  return 0
}

process.exitCode = main(process.argv.slice(2))

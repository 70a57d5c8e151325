// `npm run staff-pin`: makes the staff PIN's line for the settings file (product.md §2.10).
//
//   npm run staff-pin                 asks for the PIN twice without showing it (at a terminal)
//   echo 123456 | npm run staff-pin   reads the first line of standard input (for deployment tools)
//   npm run staff-pin -- 123456       takes it as an argument (beware: shells keep a history)
//
// Prints only the line to paste into the "staff" section, on standard output:
//   "pinHash": "scrypt$32768$8$1$…$…"
// Everything else goes to standard error, and the PIN itself is never printed.
import { hashPin, MIN_PIN_DIGITS, NEW_PIN_PATTERN } from '../src/main/staff/pin-hash'

/** Why `pin` cannot be a staff PIN, in one line that never repeats it; null when it can. */
function refusal(pin: string): string | null {
  if (NEW_PIN_PATTERN.test(pin)) return null
  if (/^[0-9]*$/.test(pin) && pin.length < MIN_PIN_DIGITS) {
    return `A staff PIN needs at least ${MIN_PIN_DIGITS} digits (the one given has fewer).`
  }
  return `A staff PIN is ${MIN_PIN_DIGITS} to 12 digits.`
}

/** Reads a line from the terminal with echo off; Ctrl+C or Ctrl+D gives null. */
function readHidden(prompt: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = process.stdin
    process.stderr.write(prompt)
    let typed = ''
    const finish = (value: string | null) => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
      resolve(value)
    }
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed)
        if (char === '\u0003' || char === '\u0004') return finish(null)
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1)
        else if (char >= ' ') typed += char
      }
    }
    input.setRawMode(true)
    input.resume()
    input.on('data', onData)
  })
}

async function readFirstLine(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n') || text.length > 1024) break
  }
  return text.split(/\r?\n/)[0] ?? ''
}

async function askPin(): Promise<string | null> {
  const fromArgument = process.argv.slice(2).find((arg) => !arg.startsWith('-'))
  if (fromArgument !== undefined) return fromArgument.trim()
  if (!process.stdin.isTTY) return (await readFirstLine()).trim()
  for (;;) {
    const first = await readHidden(`Staff PIN (${MIN_PIN_DIGITS}–12 digits, not shown): `)
    if (first === null) return null
    const problem = refusal(first)
    if (problem !== null) {
      console.error(problem)
      continue
    }
    const again = await readHidden('The same PIN again: ')
    if (again === null) return null
    if (again === first) return first
    console.error('The two PINs differ. Try again.')
  }
}

async function main(): Promise<number> {
  const pin = await askPin()
  if (pin === null) return 130
  const problem = refusal(pin)
  if (problem !== null) {
    console.error(problem)
    return 1
  }
  const line = `"pinHash": ${JSON.stringify(await hashPin(pin))}`
  if (process.stdout.isTTY) console.error('Put this line in the "staff" section of the settings file:')
  console.log(line)
  return 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`staff-pin failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)

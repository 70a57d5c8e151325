// `npm run staff-pin`: the line it prints is accepted by the settings and verifies the PIN.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkSettings } from '../../src/main/settings/load'
import { verifyPin } from '../../src/main/staff/pin-hash'

const TSX = join('node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx')

function run(args: string[], input?: string) {
  const result = spawnSync(TSX, ['scripts/staff-pin.ts', ...args], { input: input ?? '', encoding: 'utf8', timeout: 30_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function hashFrom(stdout: string): string {
  const match = /^"pinHash": ("scrypt\$[^"]+")\n$/.exec(stdout)
  if (!match?.[1]) throw new Error(`unexpected output: ${stdout}`)
  return JSON.parse(match[1]) as string
}

describe('scripts/staff-pin.ts', () => {
  it('takes the PIN as an argument and prints only the settings line', async () => {
    const result = run(['482916'])
    expect(result.status).toBe(0)
    const hash = hashFrom(result.stdout)
    expect(await verifyPin('482916', hash)).toBe(true)
    expect(checkSettings(JSON.parse(`{ "staff": { ${result.stdout.trim()} } }`))).toMatchObject({ ok: true })
    expect(result.stdout + result.stderr).not.toContain('482916')
  })

  it('reads the first line of standard input when it is not a terminal', async () => {
    const result = run([], '735102\nignored\n')
    expect(result.status).toBe(0)
    expect(await verifyPin('735102', hashFrom(result.stdout))).toBe(true)
  })

  it('refuses anything but 6 to 12 digits, without repeating it', () => {
    for (const pin of ['abcdef', '1234567890123', '12 3456']) {
      const result = run([pin])
      expect(result.status).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toBe('A staff PIN is 6 to 12 digits.\n')
    }
    expect(run(['1234567890123']).stderr).not.toContain('1234567890123')
  })

  it('refuses a PIN of fewer than 6 digits with one clear line, as an argument or on standard input', () => {
    for (const [args, input] of [[['1234'], ''], [['12345'], ''], [[], '4711\n'], [[], '123\n']] as const) {
      const result = run([...args], input)
      expect(result.status).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toBe('A staff PIN needs at least 6 digits (the one given has fewer).\n')
    }
  })
})

// The example receiver as an administrator runs it (README: node receiver.mjs --cert … --key …):
// a child process, over real HTTPS, answering the kiosk's own client.
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { HandoffClient } from '../../../src/main/handoff/client'
import { SECRET_TEXT, completionFor, handoffPki, hmacAuth } from '../../support/handoff'

const children: ChildProcessWithoutNullStreams[] = []
const dirs: string[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM')
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Starts the receiver; resolves with its URL once it says it is listening, with everything it printed. */
function run(args: string[]): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, ['examples/handoff-receiver/receiver.mjs', ...args])
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = /listening: (https:\/\/\S+)/.exec(output)
      if (match?.[1]) resolve({ url: match[1], output: () => output })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`the receiver exited (${code}): ${output}`)))
  })
}

it('verifies the kiosk’s HMAC and answers; prints one line per request without the body', async () => {
  const pki = await handoffPki()
  const dir = mkdtempSync(join(tmpdir(), 'receiver-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'secret.txt'), `${SECRET_TEXT}\n`)
  const { url, output } = await run([
    '--cert', pki.serverCertPath,
    '--key', pki.serverKeyPath,
    '--secret-file', join(dir, 'secret.txt'),
    '--bankid-roots', pki.signingRootCaPath,
    '--accept-environment', 'simulator',
    '--port', '0',
    '--message', 'Hej från receptionen',
  ])
  const client = new HandoffClient({
    url,
    auth: hmacAuth(),
    caPem: pki.serverCaPem,
    timeoutMs: 3_000,
    allowedOrigins: [],
    kioskId: 'reception-1',
    environment: 'simulator',
  })
  try {
    expect(await client.deliver(completionFor())).toMatchObject({ ok: true, answer: { kind: 'message', message: 'Hej från receptionen' } })
  } finally {
    client.close()
  }
  await expect.poll(output).toContain('→ 200 accepted from reception-1')
  expect(output()).not.toContain('199001012385')
  expect(output()).not.toContain('Fatima')
})

it('refuses to start without a certificate, with a short secret, or without BankID’s root', async () => {
  await expect(run(['--port', '0'])).rejects.toThrow(/--cert and --key/)
  const pki = await handoffPki()
  const dir = mkdtempSync(join(tmpdir(), 'receiver-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'short.txt'), 'too short')
  const roots = ['--bankid-roots', pki.signingRootCaPath]
  await expect(run(['--cert', pki.serverCertPath, '--key', pki.serverKeyPath, '--secret-file', join(dir, 'short.txt'), ...roots, '--port', '0'])).rejects.toThrow(
    /at least 32 bytes/,
  )
  // Without BankID's root it cannot verify any login: it does not start.
  writeFileSync(join(dir, 'secret.txt'), `${SECRET_TEXT}\n`)
  await expect(run(['--cert', pki.serverCertPath, '--key', pki.serverKeyPath, '--secret-file', join(dir, 'secret.txt'), '--port', '0'])).rejects.toThrow(
    /--bankid-roots is required/,
  )
})

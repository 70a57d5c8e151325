// The hand-off's locked view in Electron itself (Playwright's _electron), built by `npm run
// test:e2e`: the school's page in the frame, a navigation off the allowed origins refused, no
// windows from the frame, and "Logga ut" wiping the view and the session's storage. Electron's
// binary cannot be downloaded on the development machines, so here these tests are reported as
// skipped; they run wherever the binary exists.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { ElectronApplication, Frame, Page } from '@playwright/test'
import { startReceiver } from '../../examples/handoff-receiver/receiver.mjs'
import type { RunningReceiver } from '../../examples/handoff-receiver/receiver.mjs'
import { SECRET, SECRET_TEXT, handoffPki } from '../support/handoff'
import { decodeQrSvg } from '../support/qr-decode'
import { launchKiosk, simulatorControl, simulatorSigningRoot, skipWithoutElectron } from './support/electron'

skipWithoutElectron()

const PERSON = { personalNumber: '198112189389', givenName: 'Fatima', surname: 'Hassan', securityCode: '123456' }

/** The page's window, typed for the few things these tests touch (the Node project has no DOM types). */
interface FrameWindow {
  open(url: string): unknown
  location: { href: string }
}

let receiver: RunningReceiver
let app: ElectronApplication
let page: Page
let dataDir: string

const control = (path: string, body: unknown = {}): Promise<unknown> => simulatorControl(dataDir, path, body)

const log = () =>
  readdirSync(join(dataDir, 'logs'))
    .map((file) => readFileSync(join(dataDir, 'logs', file), 'utf8'))
    .join('\n')

/** The school's receiver, trusting the signing root of the simulator the kiosk runs (its own, in Electron's data folder). */
async function startSchool(bankidRoots: string, port = 0): Promise<RunningReceiver> {
  const pki = await handoffPki()
  return startReceiver({
    cert: pki.serverCertPem,
    key: pki.serverKeyPem,
    secret: SECRET,
    bankidRoots,
    acceptEnvironments: ['simulator'],
    answer: 'url',
    port,
    log: () => undefined,
  })
}

test.beforeAll(async () => {
  receiver = await startSchool((await handoffPki()).proof.rootCertPem)
})
test.afterAll(async () => {
  await receiver?.close()
})

test.beforeEach(async () => {
  const pki = await handoffPki()
  dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-handoff-'))
  writeFileSync(join(dataDir, 'handoff-secret.txt'), SECRET_TEXT)
  const settings = join(dataDir, 'settings.json')
  writeFileSync(
    settings,
    JSON.stringify({
      school: { name: 'Elektronskolan' },
      logging: { directory: join(dataDir, 'logs'), level: 'debug' },
      handoff: {
        enabled: true,
        demo: true,
        url: receiver.url,
        secret: { file: 'handoff-secret.txt' },
        ca: pki.serverCaPath,
        allowedOrigins: [receiver.origin],
      },
    }),
  )
  // The test service's certificate is from the simulator's CA, which Chromium does not know
  // (handoff.ca is for the kiosk's own POST; the locked view trusts what the OS trusts).
  ;({ app, page } = await launchKiosk(settings, ['--ignore-certificate-errors']))
  // Only now is the kiosk's simulator (and its signing root) known: the school restarts on its port, trusting it.
  const port = receiver.port
  await receiver.close()
  receiver = await startSchool(readFileSync(simulatorSigningRoot(dataDir), 'utf8'), port)
  await control('/api/people', PERSON)
})

test.afterEach(async () => {
  await app?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Keypad → QR scanned by the simulated app → security code → the hand-off → the locked view. */
async function logInToTheView(): Promise<Frame> {
  await page.getByRole('button', { name: 'Logga in med Mobilt BankID' }).click()
  for (const digit of PERSON.personalNumber) await page.getByRole('button', { name: digit, exact: true }).click()
  await page.getByRole('button', { name: 'Nästa' }).click()
  const src = await page.locator('img.qr').getAttribute('src')
  const payload = decodeQrSvg(decodeURIComponent((src ?? '').split(',')[1] ?? ''))
  const scanned = (await control('/api/scan', { payload })) as { orderRef: string }
  await expect(page.locator('img.qr')).toHaveCount(0, { timeout: 10_000 })
  await control(`/api/orders/${scanned.orderRef}/code`, { code: PERSON.securityCode })
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'handoff-view', { timeout: 15_000 })
  await expect(page.frameLocator('iframe.service-frame').locator('#greeting')).toHaveText('Välkommen, Fatima!')
  const frame = page.frames().find((candidate) => candidate.url().startsWith(`${receiver.origin}/portal`))
  if (!frame) throw new Error('the school’s page is not in a frame')
  return frame
}

test('the locked view refuses a navigation off the allowed origins, and opens no windows', async () => {
  const frame = await logInToTheView()
  await frame.evaluate(() => {
    ;(globalThis as unknown as FrameWindow).location.href = 'https://example.com/'
  })
  await page.waitForTimeout(1_000)
  expect(page.frames().map((candidate) => candidate.url())).not.toContainEqual(expect.stringContaining('example.com'))
  expect(page.url()).toBe('app://kiosk/index.html')

  // The link on the school's page goes nowhere either.
  const portal = page.frameLocator('iframe.service-frame')
  if ((await portal.getByRole('link').count()) > 0) {
    await portal.getByRole('link').click()
    await page.waitForTimeout(1_000)
    expect(page.frames().map((candidate) => candidate.url())).not.toContainEqual(expect.stringContaining('example.com'))
  }

  // A pop-up from the frame: refused (no allow-popups, and the window-open handler denies).
  const reloaded = page.frames().find((candidate) => candidate.url().startsWith(receiver.origin)) ?? frame
  await reloaded.evaluate(() => (globalThis as unknown as FrameWindow).open('https://example.com/')).catch(() => undefined)
  await page.waitForTimeout(300)
  expect(app.windows()).toHaveLength(1)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'handoff-view')
  expect(log()).not.toContain(PERSON.personalNumber)
})

test('"Logga ut" wipes the view and the session’s storage (the school’s cookie too)', async () => {
  await logInToTheView()
  const cookies = () => app.evaluate(async ({ session }) => (await session.fromPartition('kiosk').cookies.get({})).map((c) => c.name))
  await expect.poll(cookies).toContain('portal_session')
  await page.getByRole('button', { name: 'Logga ut' }).click()
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'welcome')
  await expect(page.locator('iframe')).toHaveCount(0)
  await expect.poll(cookies).toEqual([])
  const html = await page.content()
  expect(html).not.toContain('Fatima')
  expect(html).not.toContain(PERSON.personalNumber)
  expect(log()).not.toContain(PERSON.personalNumber)
})

/** The framed page's document, typed for the few things this test touches. */
interface FrameDocument {
  createElement(tag: 'input'): { type: string; id: string }
  getElementById(id: string): { files: { length: number } } | null
  body: { append(node: unknown): void }
}

test('a file input on the school’s page opens no file dialog: intercepted in the out-of-process frame, logged, never answered', async () => {
  const frame = await logInToTheView()
  await frame.evaluate(() => {
    const document = (globalThis as unknown as { document: FrameDocument }).document
    const input = document.createElement('input')
    input.type = 'file'
    input.id = 'kiosk-e2e-upload'
    document.body.append(input)
  })
  // A real click (Playwright sends the input events), as a parent's finger would.
  await page.frameLocator('iframe.service-frame').locator('#kiosk-e2e-upload').click()
  await expect.poll(log).toContain('"event":"file-chooser.blocked"')
  expect(log()).toContain(`"origin":"${receiver.origin}"`)
  // No dialog, no window, the view where it was, and the page got no file.
  expect(app.windows()).toHaveLength(1)
  await expect(page.locator('.kiosk')).toHaveAttribute('data-screen', 'handoff-view')
  const files = await frame.evaluate(
    () => (globalThis as unknown as { document: FrameDocument }).document.getElementById('kiosk-e2e-upload')?.files.length ?? -1,
  )
  expect(files).toBe(0)
  expect(log()).not.toContain(PERSON.personalNumber)
})

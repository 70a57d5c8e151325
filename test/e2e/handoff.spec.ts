// The hand-off end to end (product.md §5): the kiosk in Chromium through the browser host, BankID
// by the built-in simulator, and the school's service played by the example receiver
// (examples/handoff-receiver), which verifies every request's HMAC over real HTTPS.
import { readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { buildPayload } from '../../src/main/handoff/payload'
import { signRequest } from '../../src/main/handoff/signature'
import { staffReference } from '../../src/shared/staff-reference'
import { SECRET, completionFor } from '../support/handoff'
import { MESSAGE, handoffSettings, logIn, serviceFixtures } from './support/handoff-service'
import { Kiosk, button, expect, expectScreen, heading, idleDialog, root, test as kioskTest } from './support/kiosk'

const test = kioskTest.extend(serviceFixtures)

async function expectNothingOfTheParent(page: Page, personalNumber: string): Promise<void> {
  const html = await page.content()
  for (const text of ['Fatima', 'Hassan', personalNumber, personalNumber.slice(0, 8), personalNumber.slice(8)]) {
    expect(html, `the page still holds ${text}`).not.toContain(text)
  }
  expect(page.frames()).toHaveLength(1)
}

test.describe('the service answers with a message', () => {
  test.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.messages.url)) })

  test('verified HMAC → the message with the given name → Klar → welcome, nothing left', async ({ page, kiosk, service }) => {
    const before = service.messages.requests.length
    const personalNumber = await logIn(page, kiosk)
    await expectScreen(page, 'handoff-message')
    await expect(heading(page)).toHaveText('Du är nu inloggad')
    await expect(page.locator('main')).toContainText('Välkommen, Fatima!')
    await expect(page.locator('.service-message')).toContainText(MESSAGE)
    await expect(page.locator('main')).toContainText('Skärmen stängs om 15 sekunder.')
    // The receiver verified the signature, the time and the nonce, and took the login once.
    expect(service.messages.requests.slice(before)).toEqual([{ status: 200, reason: 'accepted from e2e-reception' }])

    await button(page, 'Klar').click()
    await expectScreen(page, 'welcome')
    await expectNothingOfTheParent(page, personalNumber)
  })

  test('the message goes by itself after handoff.messageSeconds', async ({ page, kiosk }) => {
    const personalNumber = await logIn(page, kiosk)
    await expectScreen(page, 'handoff-message')
    await kiosk.step(15_000, 1_000)
    await expectScreen(page, 'welcome')
    await expectNothingOfTheParent(page, personalNumber)
  })

  test('over HTTP, the example receiver refuses a replayed and a tampered request', async ({ service }) => {
    const body = Buffer.from(
      JSON.stringify(buildPayload(completionFor(), { kioskId: 'replayer', environment: 'simulator', completedAt: new Date(), nonce: 'ab'.repeat(16) })),
    )
    const signature = signRequest(SECRET, body, 'ab'.repeat(16), Math.floor(Date.now() / 1000))
    const post = (sent: Buffer, header: string) => postTo(service.messages.url, service.pki.serverCaPem, sent, header)
    expect((await post(body, signature)).status).toBe(200)
    // The same bytes again, as an eavesdropper or a misbehaving proxy would send them.
    expect(await post(body, signature)).toEqual({ status: 409, body: { error: 'nonce already used (replay)' } })
    // A changed personnummer under the original signature.
    const tampered = Buffer.from(body.toString('utf8').replace('199001012385', '199001012393'))
    expect(await post(tampered, signature)).toEqual({ status: 401, body: { error: 'signature does not match' } })
    // A signature from an hour ago.
    const stale = signRequest(SECRET, body, 'cd'.repeat(16), Math.floor(Date.now() / 1000) - 3_600)
    expect((await post(body, stale)).status).toBe(401)
  })
})

test.describe('the service answers with a page', () => {
  test.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.pages.url)) })

  test('the page in the locked view under "Logga ut"; logging out wipes it', async ({ page, kiosk, service }) => {
    const personalNumber = await logIn(page, kiosk)
    await expectScreen(page, 'handoff-view')
    const frame = page.locator('iframe.service-frame')
    await expect(frame).toHaveAttribute('src', new RegExp(`^${service.pages.origin}/portal\\?session=[0-9a-f]{32}$`))
    await expect(frame).toHaveAttribute('sandbox', 'allow-scripts allow-forms allow-same-origin')
    await expect(page.frameLocator('iframe.service-frame').locator('#greeting')).toHaveText('Välkommen, Fatima!')
    await expect(heading(page)).toHaveText('Inloggad hos Rinkebyskolan')
    const logout = button(page, 'Logga ut')
    await expect(logout).toBeVisible()
    expect((await logout.boundingBox())?.height).toBeGreaterThanOrEqual(64)
    // The kiosk page itself never held the name: only the school's page in the frame did.
    expect(await page.locator('.kiosk').innerHTML()).not.toContain('Fatima')

    await logout.click()
    await expectScreen(page, 'welcome')
    await expect(page.locator('iframe')).toHaveCount(0)
    await expectNothingOfTheParent(page, personalNumber)
  })

  test('the idle question comes over the locked view, and its timeout wipes it', async ({ page, kiosk }) => {
    const personalNumber = await logIn(page, kiosk)
    await expectScreen(page, 'handoff-view')
    await kiosk.step(60_000, 1_000)
    await expect(idleDialog(page)).toBeVisible()
    await expect(page.locator('iframe.service-frame')).toBeAttached()
    await kiosk.step(20_000, 1_000)
    await expectScreen(page, 'welcome')
    await expect(idleDialog(page)).toHaveCount(0)
    await expect(page.locator('iframe')).toHaveCount(0)
    await expectNothingOfTheParent(page, personalNumber)
  })

  test('the kiosk page may frame the allowed origin and nothing else (its CSP)', async ({ page, service }) => {
    const response = await page.request.get(page.url().split('#')[0] ?? '')
    const policy = response.headers()['content-security-policy'] ?? ''
    expect(policy).toContain(`frame-src ${service.pages.origin};`)
    expect(policy).toContain("default-src 'none'")
  })
})

// A kiosk of its own (not the shared station): the CSP's refusal is, rightly, an error in the console.
test('in Chromium the kiosk page’s CSP keeps the frame on the allowed origins', async ({ browser, service }) => {
  const kiosk = await Kiosk.start(handoffSettings(service, service.pages.url))
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, ignoreHTTPSErrors: true })
  try {
    const page = await context.newPage()
    const console: string[] = []
    page.on('console', (message) => console.push(message.text()))
    await page.goto(kiosk.host.url)
    await expectScreen(page, 'welcome')
    await logIn(page, kiosk)
    await expectScreen(page, 'handoff-view')
    const portal = page.frameLocator('iframe.service-frame')
    await expect(portal.locator('#greeting')).toHaveText('Välkommen, Fatima!')
    // The school's page links elsewhere; the parent taps it.
    await portal.getByRole('link').click()
    await expect.poll(() => console.some((text) => /frame-src/.test(text) && text.includes('https://example.com'))).toBe(true)
    expect(page.frames().map((frame) => frame.url())).not.toContainEqual(expect.stringContaining('example.com'))
    // The kiosk page itself stays where it was, with "Logga ut".
    await expectScreen(page, 'handoff-view')
    await button(page, 'Logga ut').click()
    await expectScreen(page, 'welcome')
  } finally {
    await context.close()
    await kiosk.close()
  }
})

test.describe('the service is down', () => {
  test.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.downUrl)) })

  test('the parent is told to ask the reception, with a code; the log holds nothing personal', async ({ page, kiosk }) => {
    const personalNumber = await logIn(page, kiosk)
    await expectScreen(page, 'failure')
    await expect(page.locator('section.failure')).toHaveAttribute('data-cause', 'handoff-failed')
    await expect(heading(page)).toHaveText('Inloggningen kunde inte skickas vidare')
    await expect(page.locator('main')).toContainText('Fråga i receptionen')
    await expect(page.locator('main')).toContainText(`Referens för personalen: ${staffReference('HO-NETWORK')}`)
    await expect(root(page)).not.toContainText('HO-NETWORK')
    await expect(button(page, 'Försök igen')).toHaveCount(0)
    await expect(root(page)).not.toContainText('Fatima')

    // Tried three times (the connection was refused, so nothing was ever sent), then given up.
    const log = await logText(kiosk, (text) => text.includes('"handoff.failed"'))
    expect(log.match(/"event":"handoff.retry"/g)).toHaveLength(2)
    expect(log).toContain('"reference":"HO-NETWORK"')
    expect(log).toContain(`"staffReference":"${staffReference('HO-NETWORK')}"`)
    for (const text of [personalNumber, personalNumber.slice(0, 8), personalNumber.slice(2), 'Fatima', 'Hassan']) {
      expect(log, `the log holds ${text}`).not.toContain(text)
    }
    await button(page, 'Till början').click()
    await expectScreen(page, 'welcome')
    await expectNothingOfTheParent(page, personalNumber)
  })
})

// ---- helpers ----

/** Every file the kiosk logged to, once `ready` says the line looked for is there. */
async function logText(kiosk: Kiosk, ready: (text: string) => boolean): Promise<string> {
  const read = () =>
    readdirSync(kiosk.runtime.logDirectory)
      .map((name) => readFileSync(join(kiosk.runtime.logDirectory, name), 'utf8'))
      .join('\n')
  await expect.poll(() => ready(read()), { timeout: 5_000 }).toBe(true)
  return read()
}

function postTo(url: string, caPem: string, body: Buffer, signature: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: caPem,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, 'X-Kiosk-Signature': signature },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

// Each way a login can go wrong lands on its own screen, with what happened, what to do and the
// next step (product.md §2.5). BankID time is moved by hand: minutes pass in a moment.
import type { Page } from '@playwright/test'
import { staffReference } from '../../src/shared/staff-reference'
import {
  button,
  expect,
  expectScreen,
  freshPersonalNumber,
  heading,
  idleDialog,
  loginUntilPickup,
  qrImage,
  readQr,
  root,
  startLogin,
  test,
  typeDigits,
} from './support/kiosk'

const cause = (page: Page) => page.locator('section.failure')

/** The parent reads the neutral reference for staff, never the internal code (nor its words). */
async function expectStaffReference(page: Page, code: string, where = cause(page), words = true): Promise<void> {
  await expect(where).toContainText(`Referens för personalen: ${staffReference(code)}`)
  const text = (await root(page).innerText()).toLowerCase()
  expect(text).not.toContain(code.toLowerCase())
  if (words) expect(text).not.toContain(code.split('-').at(-1)?.toLowerCase())
}

test('cancelled in the app → "Inloggningen avbröts" → Försök igen → a new QR for the same number, no retyping', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await loginUntilPickup(page, kiosk, personalNumber)
  kiosk.sim.orders.cancelInApp(orderRef)
  await kiosk.step(2_000)
  await expectScreen(page, 'failure')
  await expect(cause(page)).toHaveAttribute('data-cause', 'cancelled-in-app')
  await expect(heading(page)).toHaveText('Inloggningen avbröts')
  await expect(cause(page)).toContainText('Du avbröt i BankID-appen.')
  await expectStaffReference(page, 'H-userCancel')
  await button(page, 'Försök igen').click()
  await expect(qrImage(page)).toBeVisible()
  await expect(page.locator('main')).toContainText(`${personalNumber.slice(0, 8)}-••••`)
  const [order] = kiosk.pendingOrders()
  expect(order?.orderRef).not.toBe(orderRef)
  expect(order?.requiredPersonalNumber).toBe(personalNumber)
  // Nothing of the number left on the page but its masked form.
  expect(await root(page).innerHTML()).not.toContain(personalNumber)
  expect(await root(page).innerText()).not.toContain(personalNumber.slice(8))
  await button(page, 'Avbryt').click()
  await expectScreen(page, 'welcome')
})

test('four wrong security codes → blocked → "Så skaffar du ett nytt BankID" opens the guide', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await loginUntilPickup(page, kiosk, personalNumber)
  for (let i = 0; i < 4; i++) kiosk.sim.orders.enterSecurityCode(orderRef, '000000')
  await kiosk.step(2_000)
  await expect(cause(page)).toHaveAttribute('data-cause', 'blocked')
  await expect(heading(page)).toHaveText('Ditt BankID är spärrat')
  await expect(cause(page)).toContainText('En låst säkerhetskod går inte att låsa upp')
  // The issue: parents read "Felkod för personalen: H-certificateErr".
  await expectStaffReference(page, 'H-certificateErr')
  // Trying again cannot help: no "Försök igen".
  await expect(button(page, 'Försök igen')).toHaveCount(0)
  await button(page, 'Så skaffar du ett nytt BankID').click()
  await expectScreen(page, 'guide')
  await expect(heading(page)).toHaveText('Skaffa Mobilt BankID')
  await expect(page.locator('img.install-qr')).toBeVisible()
  expect(await page.content()).not.toContain(personalNumber.slice(0, 8))
})

test.describe('with a 5-minute limit of our own', () => {
  test.use({ kioskSettings: { timing: { orderTimeoutSeconds: 300, waitingIdleSeconds: 600 } } })

  test("BankID's expiredTransaction 3 minutes after pickup → Tiden gick ut", async ({ page, kiosk }) => {
    await loginUntilPickup(page, kiosk, freshPersonalNumber())
    await expect(page.locator('main')).toContainText('Tid kvar: 5:00')
    await kiosk.step(60_000)
    await expect(page.locator('main')).toContainText('Tid kvar: 4:00')
    await kiosk.step(120_000)
    await expectScreen(page, 'failure')
    await expect(cause(page)).toHaveAttribute('data-cause', 'timeout')
    await expect(heading(page)).toHaveText('Tiden gick ut')
    await expect(cause(page)).toContainText('Kontrollera att mobilen har mobildata eller wifi')
    await expectStaffReference(page, 'H-expiredTransaction')
    await expect(button(page, 'Försök igen')).toBeVisible()
    await expect(button(page, 'Till början')).toBeVisible()
  })

  // Regression: a failure long after the last touch was covered at once by "Är du kvar?";
  // a new screen now gets a full idle period of its own.
  test('the timeout screen is not covered by the idle question the moment it appears', async ({ page, kiosk }) => {
    await loginUntilPickup(page, kiosk, freshPersonalNumber())
    await kiosk.step(180_000)
    await expect(cause(page)).toHaveAttribute('data-cause', 'timeout')
    await expect(idleDialog(page)).toHaveCount(0, { timeout: 1_000 })
  })
})

test.describe('with a 60-second restart window', () => {
  test.use({ kioskSettings: { timing: { qrRestartWindowSeconds: 60, idleWarningSeconds: 20 } } })

  test('an unscanned QR is replaced silently at ~30 s; before the window ends "Är du kvar?" over the QR; an answer: "QR-koden lästes inte av"', async ({ page, kiosk }) => {
    const seen: string[] = []
    const stop = kiosk.runtime.session.subscribe((snapshot) => seen.push(snapshot.screen.name))
    await startLogin(page, freshPersonalNumber())
    const token = (payload: string) => payload.split('.')[1]
    const firstToken = token(await readQr(page))
    const [firstOrder] = kiosk.pendingOrders()

    await kiosk.step(29_000)
    expect(token(await readQr(page))).toBe(firstToken)
    await kiosk.step(5_000)
    // A new order and a new QR; the parent saw nothing but the QR change.
    await expect.poll(async () => token(await readQr(page))).not.toBe(firstToken)
    await expect(qrImage(page)).toBeVisible()
    expect(kiosk.pendingOrders()).toHaveLength(1)
    expect(kiosk.pendingOrders()[0]?.orderRef).not.toBe(firstOrder?.orderRef)
    expect(seen).not.toContain('failure')
    await expect(page.locator('main')).toContainText('Tid kvar: 0:2') // the window's time left: 0:26

    // 60 s − the question's 20 s: asked with the QR still up, not after giving up.
    await kiosk.step(6_000)
    await expect(idleDialog(page)).toBeVisible()
    await expect(idleDialog(page)).toContainText('Är du kvar?')
    await expect(idleDialog(page)).toContainText('Skärmen återställs om 20 sekunder.')
    await expectScreen(page, 'waiting')
    expect(seen).not.toContain('failure')
    await button(page, 'Jag är kvar').click()
    await expectScreen(page, 'failure')
    await expect(cause(page)).toHaveAttribute('data-cause', 'scan-failed')
    await expect(heading(page)).toHaveText('QR-koden lästes inte av')
    await expect(idleDialog(page)).toHaveCount(0)
    await kiosk.step(0)
    expect(kiosk.pendingOrders()).toEqual([])
    stop()
  })

  test('nobody answers the question at the end of the window: welcome, the order cancelled, no failure shown', async ({ page, kiosk }) => {
    const seen: string[] = []
    const stop = kiosk.runtime.session.subscribe((snapshot) => seen.push(snapshot.screen.name))
    await startLogin(page, freshPersonalNumber())
    await kiosk.step(40_000)
    await expect(idleDialog(page)).toBeVisible()
    await kiosk.step(20_000)
    await expectScreen(page, 'welcome')
    await expect(idleDialog(page)).toHaveCount(0)
    await kiosk.step(0)
    expect(kiosk.pendingOrders()).toEqual([])
    expect(seen).not.toContain('failure')
    stop()
  })
})

test('an order already running for the same personnummer → "En inloggning pågår redan"', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  const elsewhere = kiosk.sim.orders.create({
    type: 'auth',
    clientId: 'another-rp',
    endUserIp: '192.0.2.44',
    requirement: { personalNumber },
    returnRisk: false,
  })
  expect(elsewhere.ok).toBe(true)
  await button(page, 'Logga in med Mobilt BankID').click()
  await typeDigits(page, personalNumber)
  await button(page, 'Nästa').click()
  await expectScreen(page, 'failure')
  await expect(cause(page)).toHaveAttribute('data-cause', 'already-in-progress')
  await expect(heading(page)).toHaveText('En inloggning pågår redan')
  await expect(cause(page)).toContainText('Avsluta eller avbryt den i BankID-appen')
  await expectStaffReference(page, 'B-400-alreadyInProgress')
})

test('a newer order for the same person elsewhere → the kiosk\'s login is cancelled', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  await loginUntilPickup(page, kiosk, personalNumber)
  kiosk.sim.orders.create({ type: 'auth', clientId: 'another-rp', endUserIp: '192.0.2.44', requirement: { personalNumber }, returnRisk: false })
  await kiosk.step(2_000)
  await expect(cause(page)).toHaveAttribute('data-cause', 'cancelled-new-order')
  await expect(cause(page)).toContainText('En ny inloggning med ditt BankID startades någon annanstans')
})

test.describe('when BankID is down', () => {
  test.use({ kioskSettings: { timing: { outOfServiceRetrySeconds: 10, serviceFailuresBeforeOutOfService: 3 } } })

  test('503 three times → out of service with a countdown → BankID back → welcome by itself', async ({ page, kiosk }) => {
    test.slow() // each attempt waits out the client's real-time maintenance retries (~3.5 s)
    kiosk.sim.faults.add({ endpoint: '*', fault: { kind: 'maintenance' } })
    await button(page, 'Logga in med Mobilt BankID').click()
    for (let attempt = 1; attempt <= 3; attempt++) {
      await typeDigits(page, freshPersonalNumber())
      await button(page, 'Nästa').click()
      if (attempt === 3) break
      await expectScreen(page, 'failure', 15_000)
      await expect(cause(page)).toHaveAttribute('data-cause', 'bankid-unavailable')
      await expect(heading(page)).toHaveText('BankID svarar inte just nu')
      await expectStaffReference(page, 'B-503-maintenance')
      // A fresh number each time (trying again would reuse this one): back to the start.
      await button(page, 'Till början').click()
      await button(page, 'Logga in med Mobilt BankID').click()
    }
    await expectScreen(page, 'out-of-service', 15_000)
    await expect(heading(page)).toHaveText('Inloggningen fungerar inte just nu')
    await expect(page.locator('.out-of-service .status')).toHaveText('Nytt försök om 10 sekunder.')
    // The reason for staff (product.md §2.9) is still on this screen, in English: "BankID 503 maintenance".
    await expectStaffReference(page, 'B-503-maintenance', page.locator('.staff'), false)
    await kiosk.step(3_000)
    await expect(page.locator('.out-of-service .status')).toHaveText('Nytt försök om 7 sekunder.')

    // Still down at the first retry: it stays out of service and counts down again.
    await kiosk.step(7_000)
    await expectScreen(page, 'out-of-service')
    await expect(page.locator('.out-of-service .status')).toHaveText('Nytt försök om 10 sekunder.')

    kiosk.sim.faults.clear()
    await kiosk.step(10_000)
    await expectScreen(page, 'welcome')
    await expect(root(page)).toHaveAttribute('data-screen', 'welcome')
  })
})


// Every screen and state through axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA), plus the kiosk's
// own rules from product.md §2: every button at least 64 px tall, body text at least 20 px.
// Checks are soft: one run reports every state that fails, not just the first.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { CATALOGUES } from '../../src/renderer/src/i18n'
import {
  button,
  expect,
  expectScreen,
  freshPersonalNumber,
  heading,
  idleDialog,
  qrImage,
  quickLogin,
  quickStart,
  scanQr,
  test,
} from './support/kiosk'
import type { Kiosk } from './support/kiosk'
import { handoffSettings, logIn, serviceFixtures } from './support/handoff-service'
import { STAFF_PIN, STAFF_PIN_HASH, enterPin, pinMessage, pinPad, tapSchoolName } from './support/staff'

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const MIN_BUTTON_PX = 64
const MIN_BODY_TEXT_PX = 20

interface Measured {
  text: string
  px: number
}

async function audit(page: Page, state: string): Promise<void> {
  // Legacy mode runs axe in the page itself. The kiosk page has no frames, so the results are the
  // same, but the default mode opens a blank page for every analyze() (4–5 s each here).
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode().analyze()
  const violations = results.violations.map(
    (violation) => `${violation.id} (${violation.impact ?? '?'}): ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
  )
  expect.soft(violations, `axe violations on ${state}`).toEqual([])

  // Runs in the page: visible buttons' heights and visible body text's computed font sizes.
  const measured = await page.evaluate<{ buttons: Measured[]; text: Measured[] }>(`(() => {
    const visible = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden'
    const label = (element) => (element.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40)
    return {
      buttons: [...document.querySelectorAll('button')].filter(visible)
        .map((element) => ({ text: label(element), px: element.getBoundingClientRect().height })),
      text: [...document.querySelectorAll('p, li')].filter(visible).filter((element) => label(element) !== '')
        .map((element) => ({ text: label(element), px: parseFloat(getComputedStyle(element).fontSize) })),
    }
  })()`)
  expect(measured.buttons.length, `${state}: no buttons found`).toBeGreaterThan(0)
  expect.soft(measured.buttons.filter((b) => b.px < MIN_BUTTON_PX - 0.5), `${state}: buttons under ${MIN_BUTTON_PX} px`).toEqual([])
  expect.soft(measured.text.filter((t) => t.px < MIN_BODY_TEXT_PX), `${state}: body text under ${MIN_BODY_TEXT_PX} px`).toEqual([])
}

/** The same audit at 200 % zoom: a 1920×1080 screen's CSS viewport halves. */
async function auditZoomed(page: Page, state: string): Promise<void> {
  const normal = page.viewportSize()
  await page.setViewportSize({ width: 960, height: 540 })
  try {
    await audit(page, `${state}, at 200 % zoom`)
  } finally {
    if (normal) await page.setViewportSize(normal)
  }
}

/**
 * Focus lands on the heading of a new screen; a screen reader reads the heading's name and then its
 * description, which must say what to do, not only what happened.
 */
async function expectAnnounced(page: Page, description: RegExp): Promise<void> {
  const focused = page.locator('main h1:focus')
  await expect(focused).toHaveCount(1)
  await expect(focused).toHaveAccessibleDescription(description)
}

async function expectCause(page: Page, cause: string): Promise<void> {
  await expectScreen(page, 'failure')
  await expect(page.locator('section.failure')).toHaveAttribute('data-cause', cause)
}

/** Starts a login, ends it in the simulated app with this failed hint code, audits the screen. */
async function failInApp(page: Page, kiosk: Kiosk, hint: string, cause: string): Promise<void> {
  const orderRef = await quickLogin(page, kiosk)
  kiosk.sim.orders.failOrder(orderRef, hint)
  await kiosk.step(2_000)
  await expectCause(page, cause)
  await audit(page, `failure: ${cause}`)
}

test.describe('in Swedish', () => {
  test.use({ kioskSettings: { timing: { orderTimeoutSeconds: 60 } } })

  test('welcome, keypad (empty, typed, fault), starting, waiting (QR, in the app), logged in', async ({ page, kiosk }) => {
    await audit(page, 'welcome')
    await auditZoomed(page, 'welcome')
    await button(page, 'Logga in med Mobilt BankID').click()
    await expectScreen(page, 'keypad')
    await audit(page, 'keypad, empty')
    await page.keyboard.type('1990')
    await expect(page.locator('output#pnr .typed')).toHaveText('1990')
    await audit(page, 'keypad, partly typed')
    await page.keyboard.type('01012384')
    await expect(page.locator('#keypad-message')).toHaveClass(/fault/)
    await audit(page, 'keypad, fault')
    await auditZoomed(page, 'keypad, fault')
    await button(page, 'Rensa allt').click()

    // Starting: BankID answers slowly, so the screen stays long enough to be audited.
    kiosk.sim.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 2_500 } })
    await quickStart(page, freshPersonalNumber())
    await expectScreen(page, 'starting')
    await audit(page, 'starting')
    await expect(qrImage(page)).toBeVisible({ timeout: 10_000 })
    await audit(page, 'waiting, QR')
    await auditZoomed(page, 'waiting, QR')
    const orderRef = await scanQr(page, kiosk)
    await kiosk.step(2_000)
    await expect(qrImage(page)).toHaveCount(0)
    await audit(page, 'waiting, in the app')
    kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
    await kiosk.step(2_000)
    await expectScreen(page, 'logged-in')
    await audit(page, 'logged in')
    await auditZoomed(page, 'logged in')
    await expectAnnounced(page, /^Välkommen, .+ Du kan gå nu\. Skärmen töms av sig själv för nästa person\.$/)
  })

  test('every failure cause the simulator can cause, and out of service', async ({ page, kiosk }) => {
    // Our own limit after pickup (60 s here): the timeout screen.
    await quickLogin(page, kiosk)
    await scanQr(page, kiosk)
    await kiosk.step(2_000)
    await kiosk.step(60_000)
    await expectCause(page, 'timeout')
    await audit(page, 'failure: timeout')
    await auditZoomed(page, 'failure: timeout')
    await expectAnnounced(page, /^Inloggningen hann inte bli klar\. Kontrollera att mobilen har mobildata eller wifi och försök igen\.$/)
    // Left unread for the idle time, the question comes over it.
    await kiosk.step(60_000)
    await expect(idleDialog(page)).toBeVisible()
    await audit(page, 'failure: timeout, with the idle question')
    await button(page, 'Jag är kvar').click()
    await expect(idleDialog(page)).toHaveCount(0)

    await failInApp(page, kiosk, 'userCancel', 'cancelled-in-app')
    await failInApp(page, kiosk, 'notSupportedByUserApp', 'app-too-old')
    await failInApp(page, kiosk, 'transactionRiskBlocked', 'risk-blocked')
    await failInApp(page, kiosk, 'somethingBankIdAddsLater', 'unknown')

    const blockedNumber = freshPersonalNumber()
    const blockedRef = await quickLogin(page, kiosk, blockedNumber)
    await scanQr(page, kiosk)
    for (let i = 0; i < 4; i++) kiosk.sim.orders.enterSecurityCode(blockedRef, '000000')
    await kiosk.step(2_000)
    await expectCause(page, 'blocked')
    await audit(page, 'failure: blocked')
    await button(page, 'Till början').click()

    const twice = freshPersonalNumber()
    await quickLogin(page, kiosk, twice)
    await scanQr(page, kiosk)
    kiosk.sim.orders.create({ type: 'auth', clientId: 'elsewhere', endUserIp: '192.0.2.9', requirement: { personalNumber: twice }, returnRisk: false })
    await kiosk.step(2_000)
    await expectCause(page, 'cancelled-new-order')
    await audit(page, 'failure: cancelled-new-order')

    const busy = freshPersonalNumber()
    kiosk.sim.orders.create({ type: 'auth', clientId: 'elsewhere', endUserIp: '192.0.2.9', requirement: { personalNumber: busy }, returnRisk: false })
    await button(page, 'Till början').click()
    await button(page, 'Logga in med Mobilt BankID').click()
    await quickStart(page, busy)
    await expectCause(page, 'already-in-progress')
    await audit(page, 'failure: already-in-progress')

    // Three service failures in a row: two failure screens, then out of service.
    kiosk.sim.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await button(page, 'Till början').click()
    await button(page, 'Logga in med Mobilt BankID').click()
    await quickStart(page, freshPersonalNumber())
    await expectCause(page, 'bankid-unavailable')
    await audit(page, 'failure: bankid-unavailable')
    kiosk.sim.faults.add({ endpoint: 'auth', times: 2, fault: { kind: 'drop' } })
    await button(page, 'Till början').click()
    await button(page, 'Logga in med Mobilt BankID').click()
    await quickStart(page, freshPersonalNumber())
    await expectCause(page, 'network')
    await audit(page, 'failure: network')
    await button(page, 'Till början').click()
    await button(page, 'Logga in med Mobilt BankID').click()
    await quickStart(page, freshPersonalNumber())
    await expectScreen(page, 'out-of-service')
    await audit(page, 'out of service')
    await auditZoomed(page, 'out of service')
    await expectAnnounced(page, /^Vi försöker igen automatiskt\. Fråga gärna i receptionen\.$/)
  })
})

test.describe('in Swedish, with a 30-second restart window', () => {
  test.use({ kioskSettings: { timing: { qrRestartWindowSeconds: 30 } } })

  test('FAQ (a question open), guide, the idle question, the question as the QR\'s time ends, scan failed', async ({ page, kiosk }) => {
    await button(page, 'Frågor och svar').click()
    await expectScreen(page, 'faq')
    await page.getByRole('button', { name: /^Vilka banker ger ut Mobilt BankID\?/ }).click()
    await expect(page.locator('#faq-banks')).toBeVisible()
    await audit(page, 'faq, a question open')
    await auditZoomed(page, 'faq, a question open')
    await button(page, 'Skaffa Mobilt BankID').click()
    await expectScreen(page, 'guide')
    await audit(page, 'guide')
    await auditZoomed(page, 'guide')
    await button(page, 'Tillbaka').click()

    await button(page, 'Logga in med Mobilt BankID').click()
    await page.keyboard.type('1990')
    await kiosk.step(60_000)
    await expect(idleDialog(page)).toBeVisible()
    await audit(page, 'idle question over the keypad')
    await button(page, 'Jag är kvar').click()
    await expect(idleDialog(page)).toHaveCount(0)
    await button(page, 'Avbryt').click()

    await quickLogin(page, kiosk)
    await kiosk.step(10_000)
    await expect(idleDialog(page)).toBeVisible()
    await audit(page, 'waiting, QR, with the question before the window ends')
    await button(page, 'Jag är kvar').click()
    await expectCause(page, 'scan-failed')
    await expect(idleDialog(page)).toHaveCount(0)
    await audit(page, 'failure: scan-failed')
  })
})

test('in Arabic: welcome, keypad, waiting (QR, in the app), logged in', async ({ page, kiosk }) => {
  const ar = CATALOGUES.ar
  await page.getByRole('button', { name: 'العربية', exact: true }).click()
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
  await audit(page, 'welcome (ar)')
  await button(page, ar['welcome.start']).click()
  await expectScreen(page, 'keypad')
  await audit(page, 'keypad (ar)')
  await page.keyboard.type(freshPersonalNumber())
  await button(page, ar['keypad.next']).click()
  await expect(qrImage(page)).toBeVisible()
  await audit(page, 'waiting, QR (ar)')
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)
  await expect(heading(page)).toHaveText(ar['waiting.inApp'])
  await audit(page, 'waiting, in the app (ar)')
  kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
  await kiosk.step(2_000)
  await expectScreen(page, 'logged-in')
  await audit(page, 'logged in (ar)')
})

test.describe('the staff screen', () => {
  // Its own settings (idle time too), so no other test shares this kiosk's PIN lockout.
  test.use({ kioskSettings: { staff: { pinHash: STAFF_PIN_HASH, allowExit: true }, timing: { idleSeconds: 600 } } })

  test('the PIN pad (empty, typed, wrong, locked), the staff screen with a test result, in Swedish and Arabic', async ({ page, kiosk }) => {
    await tapSchoolName(page)
    await expect(pinPad(page)).toBeVisible()
    await audit(page, 'staff PIN pad, empty')
    await page.keyboard.type('12')
    await audit(page, 'staff PIN pad, typed')
    await page.keyboard.type('34')
    await page.keyboard.press('Enter')
    await expect(pinMessage(page)).toContainText('Fel PIN-kod')
    await audit(page, 'staff PIN pad, wrong')
    for (let i = 0; i < 4; i++) {
      await page.keyboard.type('1234')
      await page.keyboard.press('Enter')
      await expect(pinMessage(page)).toContainText(i < 3 ? `${3 - i} försök kvar` : 'För många')
    }
    await audit(page, 'staff PIN pad, locked')
    await button(page, 'Avbryt').click()
    await kiosk.step(300_000, 5_000)

    await tapSchoolName(page)
    await enterPin(page, STAFF_PIN)
    await expect(heading(page)).toHaveText('Personalskärm')
    await button(page, 'Testa anslutningen').click()
    await expect(page.locator('.connectivity')).toHaveAttribute('data-state', 'ok')
    await audit(page, 'staff screen')
    await button(page, 'Stäng').click()

    const ar = CATALOGUES.ar
    await page.getByRole('button', { name: 'العربية', exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await tapSchoolName(page)
    await expect(pinPad(page)).toBeVisible()
    await audit(page, 'staff PIN pad (ar)')
    await enterPin(page, STAFF_PIN, ar['staff.pin.open'])
    await expect(heading(page)).toHaveText(ar['staff.heading'])
    await audit(page, 'staff screen (ar)')
    await button(page, ar['staff.close']).click()
    await expectScreen(page, 'welcome')
  })
})

// The hand-off's screens (product.md §5), with the example receiver as the school's service.
const handoffTest = test.extend(serviceFixtures)

handoffTest.describe('the hand-off, when the service does not answer', () => {
  handoffTest.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.silentUrl)) })

  handoffTest('handing off, then the failure that says to ask the reception', async ({ page, kiosk }) => {
    await logIn(page, kiosk, false)
    await expectScreen(page, 'handing-off')
    await audit(page, 'handing off')
    await expectScreen(page, 'failure', 15_000)
    await expect(page.locator('section.failure')).toHaveAttribute('data-cause', 'handoff-failed')
    await audit(page, 'failure: handoff-failed')
  })
})

handoffTest.describe('the hand-off, when the service answers with a message', () => {
  handoffTest.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.messages.url)) })

  handoffTest('the service’s message', async ({ page, kiosk }) => {
    await logIn(page, kiosk)
    await expectScreen(page, 'handoff-message')
    await audit(page, 'handoff message')
  })
})

handoffTest.describe('the hand-off, when the service answers with a page', () => {
  handoffTest.use({ kioskSettings: async ({ service }, use) => use(handoffSettings(service, service.pages.url)) })

  handoffTest('the locked view, plain, in low reach and under the idle question', async ({ page, kiosk }) => {
    await logIn(page, kiosk)
    await expectScreen(page, 'handoff-view')
    await expect(page.frameLocator('iframe.service-frame').locator('#greeting')).toBeVisible()
    await audit(page, 'handoff view')
    await kiosk.step(60_000, 1_000)
    await expect(idleDialog(page)).toBeVisible()
    await audit(page, 'handoff view, with the idle question')
    await button(page, 'Jag är kvar').click()
    await expect(idleDialog(page)).toHaveCount(0)
    kiosk.runtime.session.dispatch({ type: 'set-low-reach', on: true })
    await expect(page.locator('.kiosk')).toHaveClass(/low-reach/)
    await audit(page, 'handoff view, low reach')
  })
})

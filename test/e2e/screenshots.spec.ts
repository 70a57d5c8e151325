// Pictures of every screen for docs/screenshots/, with stable names, taken from the real kiosk
// (school "Rinkebyskolan", the built-in simulator's Anna Andersson, BankID time held still).
// Each is what the screen shows (the viewport), not the whole scrollable page.
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { CATALOGUES } from '../../src/renderer/src/i18n'
import {
  button,
  expect,
  expectScreen,
  idleDialog,
  pnrField,
  qrImage,
  quickLogin,
  quickStart,
  scanQr,
  test,
  typeDigits,
} from './support/kiosk'

const DIR = join(import.meta.dirname, '../../docs/screenshots')
const ANNA = '199001012385'

async function shoot(page: Page, name: string): Promise<void> {
  // No focus ring left behind by the last click, no blinking, and the top of the screen (clicks
  // scroll a control into view; a parent arriving on a screen sees its top).
  await page.evaluate('document.activeElement instanceof HTMLButtonElement && document.activeElement.blur(); window.scrollTo(0, 0)')
  await page.screenshot({ path: join(DIR, `${name}.png`), animations: 'disabled', caret: 'hide' })
}

test.describe('landscape, 1920×1080', () => {
  test.use({ kioskSettings: { timing: { orderTimeoutSeconds: 60, serviceFailuresBeforeOutOfService: 1 } } })

  test('welcome, FAQ, guide, keypad, keypad fault, the idle question', async ({ page, kiosk }) => {
    await shoot(page, 'welcome')
    await button(page, 'Skaffa Mobilt BankID').click()
    await expect(page.locator('img.install-qr')).toBeVisible()
    await shoot(page, 'guide')
    await button(page, 'Tillbaka').click()
    await button(page, 'Frågor och svar').click()
    await page.getByRole('button', { name: /^Räcker det att jag laddar ner appen\?/ }).click()
    await expect(page.locator('#faq-appEnough')).toBeVisible()
    await shoot(page, 'faq')
    await button(page, 'Tillbaka').click()

    await button(page, 'Logga in med Mobilt BankID').click()
    await typeDigits(page, '19900101')
    await expect(pnrField(page)).toHaveText('19900101')
    await shoot(page, 'keypad')
    await kiosk.step(60_000)
    await expect(idleDialog(page)).toContainText('20')
    await shoot(page, 'idle')
    await button(page, 'Jag är kvar').click()
    await expect(idleDialog(page)).toHaveCount(0)
    await typeDigits(page, '2384')
    await expect(page.locator('#keypad-message')).toHaveClass(/fault/)
    await shoot(page, 'keypad-fault')
  })

  test('waiting (QR, in the app), logged in, timeout, blocked, out of service', async ({ page, kiosk }) => {
    const orderRef = await quickLogin(page, kiosk, ANNA)
    await kiosk.step(2_000) // a second or two into the order, as a parent would see it
    await expect(page.locator('main')).toContainText('Tid kvar: 2:58')
    await shoot(page, 'waiting-qr')
    await scanQr(page, kiosk)
    await kiosk.step(2_000)
    await expect(qrImage(page)).toHaveCount(0)
    await shoot(page, 'waiting-app')
    kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
    await kiosk.step(2_000)
    await expectScreen(page, 'logged-in')
    await shoot(page, 'logged-in')
    await button(page, 'Klar').click()

    await quickLogin(page, kiosk, ANNA)
    await scanQr(page, kiosk)
    await kiosk.step(62_000)
    await expect(page.locator('section.failure')).toHaveAttribute('data-cause', 'timeout')
    await expect(idleDialog(page)).toHaveCount(0) // the parent gets a full idle period to read it
    await shoot(page, 'failure-timeout')

    const blocked = await quickLogin(page, kiosk, '198505152382')
    await scanQr(page, kiosk)
    for (let i = 0; i < 4; i++) kiosk.sim.orders.enterSecurityCode(blocked, '000000')
    await kiosk.step(2_000)
    await expect(page.locator('section.failure')).toHaveAttribute('data-cause', 'blocked')
    await shoot(page, 'failure-blocked')
    await button(page, 'Till början').click()

    kiosk.sim.faults.add({ endpoint: '*', fault: { kind: 'internalError' } })
    await button(page, 'Logga in med Mobilt BankID').click()
    await quickStart(page, '197703072384')
    await expectScreen(page, 'out-of-service')
    await kiosk.step(4_000)
    await expect(page.locator('.out-of-service .status')).toHaveText('Nytt försök om 26 sekunder.')
    await shoot(page, 'out-of-service')
  })

  test('Arabic: welcome, waiting with the QR', async ({ page, kiosk }) => {
    const ar = CATALOGUES.ar
    await page.getByRole('button', { name: 'العربية', exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await shoot(page, 'welcome-ar')
    await button(page, ar['welcome.start']).click()
    await typeDigits(page, ANNA)
    await button(page, ar['keypad.next']).click()
    await expect(qrImage(page)).toBeVisible()
    await kiosk.step(2_000)
    await shoot(page, 'waiting-qr-ar')
  })
})

test.describe('portrait, 1080×1920', () => {
  test.use({ viewport: { width: 1080, height: 1920 } })

  test('welcome, guide, FAQ, keypad with a fault, waiting with the QR, logged in, Arabic', async ({ page, kiosk }) => {
    await shoot(page, 'welcome-portrait')
    await button(page, 'Skaffa Mobilt BankID').click()
    await expect(page.locator('img.install-qr')).toBeVisible()
    await shoot(page, 'guide-portrait')
    await button(page, 'Tillbaka').click()
    await button(page, 'Frågor och svar').click()
    await page.getByRole('button', { name: /^Räcker det att jag laddar ner appen\?/ }).click()
    await expect(page.locator('#faq-appEnough')).toBeVisible()
    await shoot(page, 'faq-portrait')
    await button(page, 'Tillbaka').click()
    await button(page, 'Logga in med Mobilt BankID').click()
    await typeDigits(page, '1990130')
    await expect(page.locator('#keypad-message')).toHaveClass(/fault/)
    await shoot(page, 'keypad-fault-portrait')
    await button(page, 'Avbryt').click()
    const orderRef = await quickLogin(page, kiosk, ANNA)
    await kiosk.step(2_000)
    await shoot(page, 'waiting-qr-portrait')
    await scanQr(page, kiosk)
    kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
    await kiosk.step(2_000)
    await expectScreen(page, 'logged-in')
    await kiosk.step(3_000)
    await shoot(page, 'logged-in-portrait')
    await button(page, 'Klar').click()

    const ar = CATALOGUES.ar
    await page.getByRole('button', { name: 'العربية', exact: true }).click()
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await button(page, ar['welcome.start']).click()
    await typeDigits(page, ANNA)
    await button(page, ar['keypad.next']).click()
    await expect(qrImage(page)).toBeVisible()
    await kiosk.step(2_000)
    await shoot(page, 'waiting-qr-ar-portrait')
  })
})

test.describe('short landscape, 1366×768 (and 1080p at 125 %: 1536×864)', () => {
  test.use({ viewport: { width: 1366, height: 768 } })

  test('keypad, the QR, the question before the QR\'s time ends, scan failed, the FAQ with more below', async ({ page, kiosk }) => {
    await button(page, 'Logga in med Mobilt BankID').click()
    await typeDigits(page, '19900101')
    await shoot(page, 'keypad-1366x768')
    await button(page, 'Avbryt').click()
    await quickLogin(page, kiosk, ANNA)
    await kiosk.step(2_000)
    await shoot(page, 'waiting-qr-1366x768')
    // 3 min window − 20 s: asked with the QR still up.
    await kiosk.step(158_000)
    await expect(idleDialog(page)).toBeVisible()
    await shoot(page, 'waiting-asked-1366x768')
    await button(page, 'Jag är kvar').click()
    await expect(page.locator('section.failure')).toHaveAttribute('data-cause', 'scan-failed')
    await shoot(page, 'failure-scan-failed-1366x768')
    await button(page, 'Till början').click()
    await button(page, 'Frågor och svar').click()
    await expect(page.locator('.more-below')).toBeVisible()
    await shoot(page, 'faq-1366x768')
  })

  test('at 125 %: the keypad with a fault', async ({ page }) => {
    await page.setViewportSize({ width: 1536, height: 864 })
    await button(page, 'Logga in med Mobilt BankID').click()
    await typeDigits(page, '1990130')
    await expect(page.locator('#keypad-message')).toHaveClass(/fault/)
    await shoot(page, 'keypad-fault-1536x864')
  })
})

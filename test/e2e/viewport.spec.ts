// Every control a parent needs is on screen, on every screen, in every language, with and without
// low reach, on the kiosk's screens (landscape and portrait). A screen is visited once; the
// languages and the reach are switched on it, which is what a parent can do there too.
import type { Page } from '@playwright/test'
import { LANGUAGE_NAMES } from '../../src/renderer/src/i18n'
import { LANGUAGES } from '../../src/shared/languages'
import type { Language } from '../../src/shared/languages'
import { unreachableControls } from './support/layout'
import { button, expect, expectScreen, freshPersonalNumber, idleDialog, qrImage, quickLogin, quickStart, scanQr, test, typeDigits } from './support/kiosk'

/**
 * The kiosk screens the layout must hold on (CSS pixels; docs/deployment.md lists them): Full HD
 * both ways, Full HD at Windows' 125 % scaling (the default on many kiosk PCs), 5:4 and HD ready.
 */
const VIEWPORTS = [
  { name: 'landscape', width: 1920, height: 1080 },
  { name: 'portrait', width: 1080, height: 1920 },
  { name: 'landscape at 125 %', width: 1536, height: 864 },
  { name: '5:4', width: 1280, height: 1024 },
  { name: 'HD ready', width: 1366, height: 768 },
] as const

async function setLanguage(page: Page, language: Language): Promise<void> {
  const html = page.locator('html')
  if ((await html.getAttribute('lang')) === language) return
  await page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true }).click()
  await expect(html).toHaveAttribute('lang', language)
}

async function setLowReach(page: Page, on: boolean): Promise<void> {
  const kiosk = page.locator('.kiosk')
  if ((await kiosk.getAttribute('class'))?.includes('low-reach') === on) return
  await page.locator('.toggle').click()
  if (on) await expect(kiosk).toHaveClass(/low-reach/)
  else await expect(kiosk).not.toHaveClass(/low-reach/)
}

/**
 * Checks the screen on show in every language, with and without low reach, and ends in Swedish
 * without low reach (the tour's buttons are named in Swedish). With the idle dialog up nothing
 * behind it can be touched, so only the dialog is checked, in the language it came up in.
 */
async function checkScreen(page: Page, label: string, problems: string[]): Promise<void> {
  const dialogUp = (await idleDialog(page).count()) > 0
  for (const lowReach of dialogUp ? [false] : [false, true]) {
    if (!dialogUp) await setLowReach(page, lowReach)
    for (const language of dialogUp ? ['sv' as const] : LANGUAGES) {
      if (!dialogUp) await setLanguage(page, language)
      for (const problem of await unreachableControls(page)) problems.push(`${label}, ${language}${lowReach ? ', low reach' : ''}: ${problem}`)
    }
  }
  if (!dialogUp) {
    await setLanguage(page, 'sv')
    await setLowReach(page, false)
  }
}

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.name}, ${viewport.width}×${viewport.height}`, () => {
    test.use({
      viewport: { width: viewport.width, height: viewport.height },
      kioskSettings: { timing: { serviceFailuresBeforeOutOfService: 1 } },
    })

    test('welcome, FAQ, guide, keypad, idle dialog: every control on screen in every language', async ({ page, kiosk }) => {
      const problems: string[] = []
      await checkScreen(page, 'welcome', problems)
      await button(page, 'Frågor och svar').click()
      await expectScreen(page, 'faq')
      await checkScreen(page, 'FAQ', problems)
      await button(page, 'Tillbaka').click()
      await button(page, 'Skaffa Mobilt BankID').click()
      await expectScreen(page, 'guide')
      await checkScreen(page, 'guide', problems)
      await button(page, 'Tillbaka').click()
      await button(page, 'Logga in med Mobilt BankID').click()
      await expectScreen(page, 'keypad')
      await checkScreen(page, 'keypad, empty', problems)
      await typeDigits(page, '1990130')
      await expect(page.locator('#keypad-message')).toHaveClass(/fault/)
      await checkScreen(page, 'keypad, a fault', problems)
      await kiosk.step(60_000)
      await expect(idleDialog(page)).toBeVisible()
      await checkScreen(page, 'idle dialog', problems)
      expect(problems).toEqual([])
    })

    test('waiting (QR, in the app), failure, logged in, out of service: every control on screen in every language', async ({ page, kiosk }) => {
      const problems: string[] = []
      const cancelled = await quickLogin(page, kiosk, freshPersonalNumber())
      await checkScreen(page, 'waiting, QR', problems)
      await scanQr(page, kiosk)
      await kiosk.step(2_000)
      await expect(qrImage(page)).toHaveCount(0)
      await checkScreen(page, 'waiting, in the app', problems)
      kiosk.sim.orders.cancelInApp(cancelled)
      await kiosk.step(2_000)
      await expectScreen(page, 'failure')
      await checkScreen(page, 'failure', problems)
      const orderRef = await quickLogin(page, kiosk, '199001012385')
      await scanQr(page, kiosk)
      kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
      await kiosk.step(2_000)
      await expectScreen(page, 'logged-in')
      await checkScreen(page, 'logged in', problems)
      await button(page, 'Klar').click()
      kiosk.sim.faults.add({ endpoint: '*', fault: { kind: 'internalError' } })
      await button(page, 'Logga in med Mobilt BankID').click()
      await quickStart(page, '197703072384')
      await expectScreen(page, 'out-of-service')
      await checkScreen(page, 'out of service', problems)
      expect(problems).toEqual([])
    })
  })
}


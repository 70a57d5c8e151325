// The help screens: questions and answers (one open at a time, the bank list) and the guide to
// getting Mobilt BankID (an install QR for the phone's camera, the bank list), and back.
import { DEFAULT_BANKS } from '../../src/main/settings/schema'
import { decodeQrSvg } from '../support/qr-decode'
import type { Page } from '@playwright/test'
import { button, expect, expectScreen, heading, test } from './support/kiosk'

/** A question's button, by its accessible name: the question alone. */
const question = (page: Page, text: string) =>
  page.getByRole('button', { name: new RegExp(`^${text.replace(/[.?*+()]/g, '\\$&')}`) })

/** How much of the element shows inside the scrolling question list (0–1), measured in the page. */
async function shownInList(page: Page, selector: string): Promise<number> {
  return page.evaluate(`(() => {
    const list = document.querySelector('.questions').getBoundingClientRect()
    const box = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect()
    const shown = Math.max(0, Math.min(box.bottom, list.bottom) - Math.max(box.top, list.top))
    return box.height === 0 ? 0 : shown / box.height
  })()`)
}

test('FAQ in landscape: "more below" while questions are out of view; an opened answer is scrolled into view', async ({ page }) => {
  await button(page, 'Frågor och svar').click()
  await expectScreen(page, 'faq')
  const more = page.locator('.more-below')
  await expect(more).toBeVisible()
  await expect(more).toHaveText('Fler frågor längre ner')

  // The bank question's answer is long; opened, it is brought into the list's view.
  await question(page, 'Vilka banker ger ut Mobilt BankID?').click()
  await expect.poll(() => shownInList(page, '#faq-banks'), { message: 'the banks answer in view' }).toBeGreaterThan(0.99)

  // At the end of the list the cue goes.
  await page.evaluate(`(() => { const list = document.querySelector('.questions'); list.scrollTop = list.scrollHeight })()`)
  await expect(more).toBeHidden()
})

test('FAQ: a question opens its answer, the bank question lists the banks; back to welcome', async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Frågor och svar').click()
  await expectScreen(page, 'faq')
  await expect(heading(page)).toHaveText('Frågor och svar')
  await expect(heading(page)).toBeFocused()

  const appEnough = question(page, 'Räcker det att jag laddar ner appen?')
  await expect(appEnough).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByText('Själva BankID:t skaffar du i din internetbank.')).toBeHidden()
  await appEnough.click()
  await expect(appEnough).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByText('Själva BankID:t skaffar du i din internetbank.')).toBeVisible()

  const banks = question(page, 'Vilka banker ger ut Mobilt BankID?')
  await banks.click()
  await expect(banks).toHaveAttribute('aria-expanded', 'true')
  await expect(appEnough).toHaveAttribute('aria-expanded', 'false') // one answer at a time
  const list = page.locator('#faq-banks ul.banks li')
  await expect(list).toHaveText([...DEFAULT_BANKS])
  await banks.click()
  await expect(list.first()).toBeHidden()

  // The seed's obsolete items are gone; the data answer is current.
  await question(page, 'Hur mycket data går åt?').click()
  await expect(page.getByText('Väldigt lite: en inloggning skickar bara några korta meddelanden.')).toBeVisible()
  expect(await page.locator('main').textContent()).not.toMatch(/Java|2012|kilobyte/)

  await button(page, 'Tillbaka').click()
  await expectScreen(page, 'welcome')
})

test('guide: the install QR opens BankID\'s install page, the steps and the bank list; to the FAQ and back', async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Skaffa Mobilt BankID').click()
  await expectScreen(page, 'guide')
  await expect(heading(page)).toHaveText('Skaffa Mobilt BankID')
  const steps = page.locator('ol.guide-steps > li > h2')
  await expect(steps).toHaveText([
    'Installera BankID-appen',
    'Beställ Mobilt BankID i din internetbank',
    'Välj en säkerhetskod',
    'Kom tillbaka och logga in',
  ])

  const qr = page.locator('img.install-qr')
  await expect(qr).toBeVisible()
  await expect(qr).toHaveAttribute('alt', 'QR-kod som öppnar BankID:s sida för att installera appen.')
  const src = (await qr.getAttribute('src')) ?? ''
  const svg = decodeURIComponent(src.replace('data:image/svg+xml;charset=utf-8,', ''))
  expect(decodeQrSvg(svg)).toBe('https://install.bankid.com/')
  const box = await qr.boundingBox()
  expect(box?.width).toBeGreaterThanOrEqual(200)

  await expect(page.locator('.guide ul.banks li')).toHaveText([...DEFAULT_BANKS])
  // Without an internet bank: the branch, with a passport or ID card (reachable by scrolling the steps).
  const branch = page.locator('.guide .no-internet-bank')
  await branch.scrollIntoViewIfNeeded()
  await expect(branch).toContainText('Gå till ett av bankens kontor med pass eller id-kort.')

  await button(page, 'Frågor och svar').click()
  await expectScreen(page, 'faq')
  await button(page, 'Tillbaka').click()
  await expectScreen(page, 'welcome')
  await button(page, 'Skaffa Mobilt BankID').click()
  await button(page, 'Tillbaka').click()
  await expectScreen(page, 'welcome')
})

// Regression: the CSS "+"/"−" marker used to be part of each question's accessible name.
test('FAQ: a question button is named by the question alone', async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Frågor och svar').click()
  await expect(button(page, 'Räcker det att jag laddar ner appen?')).toBeVisible({ timeout: 1_000 })
})

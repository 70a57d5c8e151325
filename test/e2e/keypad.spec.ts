// The personnummer keypad: live formatting, and a specific message for each wrong number before
// anything is sent to BankID.
import type { Page } from '@playwright/test'
import { button, expect, expectScreen, luhnDigit, pnrField, qrImage, test, typeDigits } from './support/kiosk'

const message = (page: Page) => page.locator('#keypad-message')
const field = (page: Page) => page.locator('output#pnr')
const wrongPart = (page: Page) => page.locator('output#pnr mark.wrong')
const next = (page: Page) => button(page, 'Nästa')

test.beforeEach(async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Logga in med Mobilt BankID').click()
  await expectScreen(page, 'keypad')
})

test('a wrong check digit says to check the last four digits; fixing it enables Nästa', async ({ page, kiosk }) => {
  await expect(message(page)).toHaveText('Skriv 12 siffror.')
  await typeDigits(page, '1990')
  await expect(pnrField(page)).toHaveText('1990')
  await expect(page.locator('output#pnr .template')).toHaveText('MMDD-NNNN')
  await expect(message(page)).toHaveText('Skriv 8 siffror till.')
  await expect(next(page)).toBeDisabled()

  await typeDigits(page, '01012384') // the right last digit is 5
  await expect(pnrField(page)).toHaveText('19900101-2384')
  await expect(message(page)).toHaveText('Något stämmer inte. Kontrollera de fyra sista siffrorna.')
  await expect(message(page)).toHaveClass(/fault/)
  await expect(field(page)).toHaveClass(/has-fault/)
  await expect(wrongPart(page)).toHaveText('2384')
  await expect(next(page)).toBeDisabled()

  await button(page, 'Sudda sista siffran').click()
  await expect(pnrField(page)).toHaveText('19900101-238')
  await expect(next(page)).toBeDisabled()
  await typeDigits(page, '5')
  await expect(message(page)).toHaveText('Personnumret ser rätt ut. Tryck på Nästa.')
  await expect(message(page)).not.toHaveClass(/fault/)
  await expect(field(page)).not.toHaveClass(/has-fault/)
  await expect(wrongPart(page)).toHaveCount(0)
  await expect(next(page)).toBeEnabled()

  // Nothing was sent to BankID while the number was wrong.
  expect(kiosk.sim.log.list({ endpoint: 'auth' })).toEqual([])
})

test('a month that cannot be is pointed at as soon as it is typed', async ({ page }) => {
  await typeDigits(page, '1990130')
  await expect(pnrField(page)).toHaveText('1990130')
  await expect(field(page)).toHaveClass(/has-fault/)
  await expect(wrongPart(page)).toHaveText('13')
  await expect(message(page)).toHaveClass(/fault/)
  await expect(message(page)).toHaveText('Månaden ska vara 01–12. Kontrollera månaden.')
  // Not by colour alone: the field's border is thicker and the message starts with a "!" badge.
  await expect(field(page)).toHaveCSS('border-top-width', '6px')
  const badge = await page.evaluate<string>(`getComputedStyle(document.getElementById('keypad-message'), '::before').content`)
  expect(badge).toContain('!')
  await expect(next(page)).toBeDisabled()

  // Erasing the month's last digit takes the fault away.
  await button(page, 'Sudda sista siffran').click()
  await button(page, 'Sudda sista siffran').click()
  await expect(pnrField(page)).toHaveText('19901')
  await expect(field(page)).not.toHaveClass(/has-fault/)
  await expect(message(page)).toHaveText('Skriv 7 siffror till.')
})

test('an impossible date and a future date get their own messages', async ({ page }) => {
  await typeDigits(page, `19901301238${luhnDigit('901301238')}`) // month 13
  await expect(message(page)).toHaveText('Månaden ska vara 01–12. Kontrollera månaden.')
  await expect(wrongPart(page)).toHaveText('13')
  await expect(next(page)).toBeDisabled()

  await button(page, 'Rensa allt').click()
  await expect(pnrField(page)).toHaveText('')
  await typeDigits(page, `19900230238${luhnDigit('900230238')}`) // 30 February
  await expect(message(page)).toHaveText('Den dagen finns inte. Kontrollera dagen.')
  await expect(wrongPart(page)).toHaveText('30')
  await expect(next(page)).toBeDisabled()

  await button(page, 'Rensa allt').click()
  await typeDigits(page, `20991231238${luhnDigit('991231238')}`)
  await expect(message(page)).toHaveText('Datumet ligger i framtiden. Kontrollera födelsedatumet.')
  await expect(wrongPart(page)).toHaveText('20991231')
  await expect(next(page)).toBeDisabled()
})

test('10 digits (century inferred) and a coordination number (day + 60) are accepted', async ({ page, kiosk }) => {
  await typeDigits(page, '9001012385')
  await expect(pnrField(page)).toHaveText('900101-2385')
  await expect(next(page)).toBeEnabled()

  await button(page, 'Rensa allt').click()
  const coordination = `19900161238${luhnDigit('900161238')}`
  await typeDigits(page, coordination)
  await expect(next(page)).toBeEnabled()
  await next(page).click()
  await expect(qrImage(page)).toBeVisible()
  expect(kiosk.pendingOrders().map((order) => order.requiredPersonalNumber)).toEqual([coordination])
})

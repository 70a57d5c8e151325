// A parent logs in: welcome → keypad → QR → the app → logged in → back to welcome, and nothing of
// them is left in the page afterwards.
import { button, expect, expectScreen, freshPersonalNumber, heading, pnrField, qrImage, scanQr, startLogin, test } from './support/kiosk'

test('welcome → personnummer → QR → app → logged in → Klar → welcome, nothing of the parent left', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  kiosk.sim.people.upsert({ personalNumber, givenName: 'Fatima', surname: 'Hassan', securityCode: '246810' })

  await expect(heading(page)).toHaveText('Välkommen till Rinkebyskolan')
  await button(page, 'Logga in med Mobilt BankID').click()
  await expectScreen(page, 'keypad')
  await expect(button(page, 'Nästa')).toBeDisabled()

  // Digit by digit, with live formatting ÅÅÅÅMMDD-NNNN.
  for (const [index, digit] of [...personalNumber].entries()) {
    await button(page, digit).click()
    if (index === 7) await expect(pnrField(page)).toHaveText(personalNumber.slice(0, 8))
    if (index === 8) await expect(pnrField(page)).toHaveText(`${personalNumber.slice(0, 8)}-${personalNumber[8]}`)
  }
  await expect(pnrField(page)).toHaveText(`${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}`)
  await expect(page.locator('#keypad-message')).toHaveText('Personnumret ser rätt ut. Tryck på Nästa.')
  await button(page, 'Nästa').click()

  // The QR, the steps, the masked number and the time left.
  await expect(qrImage(page)).toBeVisible()
  await expect(heading(page)).toHaveText('Skanna QR-koden med BankID-appen')
  // The status line would only repeat the steps while the QR is up; the warning about other QR codes is there.
  await expect(page.getByRole('status')).toHaveText('')
  await expect(page.locator('.anti-fraud')).toContainText('Skanna bara QR-koden på den här skärmen. Personalen frågar aldrig efter din säkerhetskod.')
  await expect(page.locator('main')).toContainText(`${personalNumber.slice(0, 8)}-••••`)
  await expect(page.locator('main')).toContainText('Tid kvar: 3:00')
  await expect(page.locator('main')).not.toContainText(personalNumber.slice(8))
  const [order] = kiosk.pendingOrders()
  expect(order?.requiredPersonalNumber).toBe(personalNumber)
  expect(order?.userVisibleText).toBe('Inloggning på Rinkebyskolan')

  // The QR is animated: a new frame every second, and the phone scans what it sees.
  const firstFrame = await qrImage(page).getAttribute('src')
  await kiosk.step(1_000)
  await expect(qrImage(page)).not.toHaveAttribute('src', firstFrame ?? '')
  await expect(page.locator('main')).toContainText('Tid kvar: 2:59')
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)

  await expect(heading(page)).toHaveText('Fortsätt i BankID-appen')
  await expect(page.getByRole('status')).toHaveText('Skriv in din säkerhetskod i BankID-appen och välj Identifiera.')
  await expect(qrImage(page)).toHaveCount(0)

  expect(kiosk.sim.orders.enterSecurityCode(orderRef, '246810')).toMatchObject({ ok: true, value: { result: 'complete' } })
  await kiosk.step(2_000)
  await expectScreen(page, 'logged-in')
  await expect(heading(page)).toHaveText('Du är nu inloggad')
  await expect(page.locator('main')).toContainText('Välkommen, Fatima!')
  await expect(page.locator('main')).not.toContainText('Hassan')

  await button(page, 'Klar').click()
  await expectScreen(page, 'welcome')
  const html = await page.content()
  expect(html).not.toContain('Fatima')
  expect(html).not.toContain(personalNumber)
  expect(html).not.toContain(personalNumber.slice(0, 8))
  expect(html).not.toContain(personalNumber.slice(2, 8)) // the 10-digit form's date part
  expect(html).not.toContain(personalNumber.slice(8))
  expect(kiosk.pendingOrders()).toEqual([])
})

test('the logged-in screen closes by itself after the configured seconds', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  await startLogin(page, personalNumber)
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)
  kiosk.sim.orders.enterSecurityCode(orderRef, '123456')
  await kiosk.step(2_000)
  await expect(page.locator('main')).toContainText('Välkommen, Test!')
  await expect(page.locator('main')).toContainText(/Skärmen stängs om [78] sekunder/)
  await kiosk.step(8_000)
  await expectScreen(page, 'welcome')
  expect(await page.content()).not.toContain('Test!')
})

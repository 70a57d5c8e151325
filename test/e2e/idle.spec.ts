// "Är du kvar?": after idle time an overlay with a countdown; "Jag är kvar" keeps what the parent
// did, and running out wipes everything (a pending BankID order included) back to welcome.
import { button, expect, expectScreen, freshPersonalNumber, idleDialog, pnrField, qrImage, startLogin, test, typeDigits } from './support/kiosk'

test.use({ kioskSettings: { timing: { idleSeconds: 60, waitingIdleSeconds: 30, idleWarningSeconds: 20, qrRestartWindowSeconds: 180 } } })

test('on the keypad: the overlay counts down, "Jag är kvar" keeps the digits; running out wipes them', async ({ page, kiosk }) => {
  await button(page, 'Logga in med Mobilt BankID').click()
  await typeDigits(page, '19900101')
  await expect(pnrField(page)).toHaveText('19900101')

  await kiosk.step(59_500)
  await expect(idleDialog(page)).toHaveCount(0)
  await kiosk.step(500)
  await expect(idleDialog(page)).toBeVisible()
  await expect(idleDialog(page)).toContainText('Är du kvar?')
  await expect(idleDialog(page)).toContainText('Skärmen återställs om 20 sekunder.')
  // The screen under it cannot be touched while the question is up.
  await expect(page.locator('[inert]:has(main)')).toHaveCount(1)
  await expect(button(page, 'Jag är kvar')).toBeFocused()
  await kiosk.step(5_000)
  await expect(idleDialog(page)).toContainText('Skärmen återställs om 15 sekunder.')

  await button(page, 'Jag är kvar').click()
  await expect(idleDialog(page)).toHaveCount(0)
  await expectScreen(page, 'keypad')
  await expect(pnrField(page)).toHaveText('19900101')

  // Idle again, and this time nobody answers.
  await kiosk.step(60_000)
  await expect(idleDialog(page)).toBeVisible()
  await kiosk.step(20_000)
  await expectScreen(page, 'welcome')
  await expect(idleDialog(page)).toHaveCount(0)
  expect(await page.content()).not.toContain('19900101')
  await button(page, 'Logga in med Mobilt BankID').click()
  await expect(pnrField(page)).toHaveText('')
})

test('while the QR shows: running out cancels the order at BankID and wipes the parent', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  await startLogin(page, personalNumber)
  await expect(page.locator('main')).toContainText(`${personalNumber.slice(0, 8)}-••••`)

  await kiosk.step(30_000)
  await expect(idleDialog(page)).toBeVisible()
  await expect(qrImage(page)).toBeVisible() // the login carries on under the question
  await kiosk.step(20_000)
  await expectScreen(page, 'welcome')
  await kiosk.step(0)

  // startFailed at 30 s restarted the order silently; the one pending at the end is cancelled.
  const cancelled = kiosk.cancelledOrderRefs()
  expect(cancelled).toHaveLength(1)
  expect(kiosk.sim.orders.list().find((order) => order.orderRef === cancelled[0])).toBeUndefined()
  expect(kiosk.pendingOrders()).toEqual([])
  const html = await page.content()
  expect(html).not.toContain(personalNumber.slice(0, 8))
  expect(html).not.toContain('••••')
  expect(html).not.toContain('img class="qr"')
})

// "Avbryt" on the kiosk always works: on the keypad, while the QR shows and after the app has
// picked the order up. Every way out cancels the order at BankID before the next parent comes.
import { button, expect, expectScreen, freshPersonalNumber, loginUntilPickup, pnrField, qrImage, startLogin, test, typeDigits } from './support/kiosk'

test('on the keypad: back to welcome, the digits gone, nothing sent to BankID', async ({ page, kiosk }) => {
  await button(page, 'Logga in med Mobilt BankID').click()
  await typeDigits(page, '199001')
  await expect(pnrField(page)).toHaveText('199001')
  await button(page, 'Avbryt').click()
  await expectScreen(page, 'welcome')
  expect(await page.content()).not.toContain('199001')
  expect(kiosk.sim.log.list()).toEqual([])

  // The keypad starts empty next time.
  await button(page, 'Logga in med Mobilt BankID').click()
  await expect(pnrField(page)).toHaveText('')
})

test('while the QR shows: back to welcome, the order cancelled at BankID', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  await startLogin(page, personalNumber)
  const [order] = kiosk.pendingOrders()
  expect(order).toBeDefined()
  await kiosk.step(3_000)
  await expect(qrImage(page)).toBeVisible()

  await button(page, 'Avbryt').click()
  await expectScreen(page, 'welcome')
  await kiosk.step(0)
  expect(kiosk.cancelledOrderRefs()).toEqual([order?.orderRef])
  expect(kiosk.pendingOrders()).toEqual([])
  expect(kiosk.sim.orders.list()).toEqual([])
  expect(await page.content()).not.toContain(personalNumber.slice(0, 8))
})

test('after the app picked the order up: back to welcome, the order cancelled at BankID', async ({ page, kiosk }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await loginUntilPickup(page, kiosk, personalNumber)
  await button(page, 'Avbryt').click()
  await expectScreen(page, 'welcome')
  await kiosk.step(0)
  expect(kiosk.cancelledOrderRefs()).toEqual([orderRef])
  expect(kiosk.pendingOrders()).toEqual([])
  // The app can no longer finish it.
  expect(kiosk.sim.orders.enterSecurityCode(orderRef, '123456')).toMatchObject({ ok: false })
  // Collects stop too: time passes and nothing more is asked about the order.
  const collects = kiosk.sim.log.list({ endpoint: 'collect' }).length
  await kiosk.step(10_000)
  expect(kiosk.sim.log.list({ endpoint: 'collect' })).toHaveLength(collects)
  await expectScreen(page, 'welcome')
})

test('while BankID is still starting the order: back to welcome, and the late order is cancelled', async ({ page, kiosk }) => {
  kiosk.sim.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'slow', delayMs: 1_500 } })
  await button(page, 'Logga in med Mobilt BankID').click()
  await typeDigits(page, freshPersonalNumber())
  await button(page, 'Nästa').click()
  await expectScreen(page, 'starting')
  await button(page, 'Avbryt').click()
  await expectScreen(page, 'welcome')
  await kiosk.step(0) // the slow answer arrives; the order it made must not outlive the parent
  const [auth] = kiosk.sim.log.list({ endpoint: 'auth' })
  expect(auth?.orderRef).toBeTruthy()
  expect(kiosk.cancelledOrderRefs()).toEqual([auth?.orderRef])
  expect(kiosk.pendingOrders()).toEqual([])
  await expect(qrImage(page)).toHaveCount(0)
})

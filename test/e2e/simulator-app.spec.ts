// The simulated BankID app, used the way a person at a desk uses it: in a real browser.
import { mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import type { BankIdClient } from '../../src/main/bankid/client'
import { monotonicClock } from '../../src/main/clock'
import { freshPersonalNumber, startTestSimulator } from '../support/simulator'
import type { TestSimulator } from '../support/simulator'

let env: TestSimulator
let client: BankIdClient

test.beforeAll(async () => {
  env = await startTestSimulator({ clock: monotonicClock })
  client = env.client({ clock: monotonicClock })
})
test.afterAll(() => env.close())

async function startOrder(personalNumber: string): Promise<string> {
  const started = await client.auth({ endUserIp: '127.0.0.1', requirement: { personalNumber } })
  if (!started.ok) throw new Error(JSON.stringify(started.error))
  return started.value.response.orderRef
}

async function collectStatus(orderRef: string): Promise<string> {
  const result = await client.collect(orderRef)
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value.status === 'complete' ? 'complete' : `${result.value.status}/${result.value.hintCode}`
}

test('a person scans, mistypes the security code once, then identifies', async ({ page }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await startOrder(personalNumber)
  await page.goto(env.simulator.appUrl)

  const order = page.locator('li.order').filter({ hasText: `only for ${personalNumber}` })
  await expect(order).toContainText('Identification — pending (outstandingTransaction)')
  mkdirSync('docs/screenshots', { recursive: true })
  await page.screenshot({ path: 'docs/screenshots/simulator-app.png', fullPage: true })

  await order.getByRole('button', { name: 'Scan QR code' }).click()
  await expect(order).toContainText('pending (userSign)')
  expect(await collectStatus(orderRef)).toBe('pending/userSign')

  await order.getByLabel('Security code').fill('999999')
  await order.getByRole('button', { name: 'Identify' }).click()
  await expect(page.getByRole('status')).toHaveText('Security code: wrong code, 3 attempts left')

  await order.getByLabel('Security code').fill('123456')
  await order.getByRole('button', { name: 'Identify' }).click()
  await expect(order).toContainText('Identification — complete')
  expect(await collectStatus(orderRef)).toBe('complete')
})

test('a person cancels in the app', async ({ page }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await startOrder(personalNumber)
  await page.goto(env.simulator.appUrl)
  const order = page.locator('li.order').filter({ hasText: `only for ${personalNumber}` })
  await order.getByRole('button', { name: 'Scan QR code' }).click()
  await order.getByRole('button', { name: 'Cancel in the app' }).click()
  await expect(order).toContainText('failed (userCancel)')
  expect(await collectStatus(orderRef)).toBe('failed/userCancel')
})

test('four wrong codes block the BankID, and a new BankID from the bank unblocks it', async ({ page }) => {
  const personalNumber = freshPersonalNumber()
  const orderRef = await startOrder(personalNumber)
  await page.goto(env.simulator.appUrl)
  const order = page.locator('li.order').filter({ hasText: `only for ${personalNumber}` })
  await order.getByRole('button', { name: 'Scan QR code' }).click()
  for (let attempt = 0; attempt < 4; attempt++) {
    await order.getByLabel('Security code').fill('000000')
    await order.getByRole('button', { name: 'Identify' }).click()
    await expect(page.getByRole('status')).toContainText(attempt < 3 ? `${3 - attempt} attempts left` : 'locked')
  }
  await expect(order).toContainText('failed (certificateErr)')
  expect(await collectStatus(orderRef)).toBe('failed/certificateErr')

  const blocked = page.locator('#people p').filter({ hasText: 'BankID blocked' })
  await expect(blocked).toHaveCount(1)
  await blocked.getByRole('button', { name: 'Get a new BankID (unblock)' }).click()
  await expect(blocked).toHaveCount(0)
})

test('a fault injected from the page reaches the RP API', async ({ page }) => {
  await page.goto(env.simulator.appUrl)
  await page.getByRole('button', { name: 'Next auth: 500' }).click()
  await expect(page.locator('#faults')).toContainText('auth: internalError (1 left)')
  const result = await client.auth({ endUserIp: '127.0.0.1' })
  expect(result).toMatchObject({ ok: false, error: { kind: 'bankid-error', errorCode: 'internalError' } })
  await expect(page.locator('#faults')).not.toContainText('internalError')
})

// Layout on the kiosk's own screen (1920×1080): every control a parent needs is on the screen
// without scrolling, and nothing spills out of its box. Each check here comes from looking at the
// screenshots (docs/screenshots/).
import type { Page } from '@playwright/test'
import { button, expect, expectScreen, freshPersonalNumber, qrImage, scanQr, startLogin, test } from './support/kiosk'

/** Buttons that are not wholly on the screen when the page is scrolled to the top. */
async function controlsOffScreen(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    window.scrollTo(0, 0)
    return [...document.querySelectorAll('button')]
      .filter((b) => b.getClientRects().length > 0)
      .filter((b) => { const r = b.getBoundingClientRect(); return r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth })
      .map((b) => (b.textContent || '').trim() + ' (bottom ' + Math.round(b.getBoundingClientRect().bottom) + ')')
  })()`)
}

test('welcome, keypad (Swedish, Finnish), waiting (QR, in the app) and a failure: every control on screen', async ({ page, kiosk }) => {
  expect(await controlsOffScreen(page), 'welcome').toEqual([])
  await page.getByRole('button', { name: 'Suomi', exact: true }).click()
  await page.locator('.welcome .primary').click()
  await expectScreen(page, 'keypad')
  expect(await controlsOffScreen(page), 'keypad (fi)').toEqual([])
  await page.locator('.keypad .secondary').click()
  await page.getByRole('button', { name: 'Svenska', exact: true }).click()
  await button(page, 'Logga in med Mobilt BankID').click()
  expect(await controlsOffScreen(page), 'keypad').toEqual([])
  await button(page, 'Avbryt').click()
  await startLogin(page, freshPersonalNumber())
  expect(await controlsOffScreen(page), 'waiting, QR').toEqual([])
  const orderRef = await scanQr(page, kiosk)
  await kiosk.step(2_000)
  await expect(qrImage(page)).toHaveCount(0)
  expect(await controlsOffScreen(page), 'waiting, in the app').toEqual([])
  kiosk.sim.orders.cancelInApp(orderRef)
  await kiosk.step(2_000)
  await expectScreen(page, 'failure')
  expect(await controlsOffScreen(page), 'failure').toEqual([])
})

// Regression: the FAQ's buttons were below the screen; the questions now scroll inside it.
test('FAQ: every control on screen without scrolling', async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Frågor och svar').click()
  await expectScreen(page, 'faq')
  expect(await controlsOffScreen(page)).toEqual([])
})

// Regression: the guide's buttons were below the screen, and a new screen kept the last one's scroll.
test('guide: every control on screen without scrolling', async ({ page, kiosk }) => {
  expect(kiosk).toBeTruthy()
  await button(page, 'Skaffa Mobilt BankID').click()
  await expectScreen(page, 'guide')
  expect(await controlsOffScreen(page)).toEqual([])
})

// Regression: the phone drawing's dots spilled out of its frame.
test('waiting in the app: the dots stay inside the phone drawing', async ({ page, kiosk }) => {
  await startLogin(page, freshPersonalNumber())
  await scanQr(page, kiosk)
  await kiosk.step(2_000)
  await expect(qrImage(page)).toHaveCount(0)
  const box = await page.evaluate<{ phone: number[]; dots: number[] }>(`(() => {
    const phone = document.querySelector('.phone')
    const range = document.createRange()
    range.selectNodeContents(phone.querySelector('span'))
    const outer = phone.getBoundingClientRect(), text = range.getBoundingClientRect()
    const border = parseFloat(getComputedStyle(phone).borderLeftWidth)
    return { phone: [outer.left + border, outer.right - border], dots: [text.left, text.right] }
  })()`)
  expect(box.dots[0]).toBeGreaterThanOrEqual(box.phone[0] ?? 0)
  expect(box.dots[1]).toBeLessThanOrEqual(box.phone[1] ?? 0)
})

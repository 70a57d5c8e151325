// Layout details seen in the screenshots (docs/screenshots/). That every control is on screen, in
// every language and orientation, is viewport.spec.ts.
import { expect, freshPersonalNumber, qrImage, scanQr, startLogin, test } from './support/kiosk'

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

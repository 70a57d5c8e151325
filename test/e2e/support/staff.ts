// The staff screen's side of the e2e tests: a known PIN and its hash, the gesture and the PIN pad.
import type { Locator, Page } from '@playwright/test'
import { button } from './kiosk'

/** The PIN 246810, hashed with the cheapest parameters the settings accept (npm run staff-pin makes one). */
export const STAFF_PIN = '246810'
export const STAFF_PIN_HASH = 'scrypt$16384$8$1$hZlKYqCNkKREls9cDazfAw==$Ar3V+MsJuECsaAIPl8RiSFMtkVusEFCQ04U5lvm9oVY='

export const pinPad = (page: Page): Locator => page.locator('.staff-pin[role="dialog"]')
export const pinMessage = (page: Page): Locator => page.locator('#staff-pin-message')

/** Quick taps on the school's name, with the mouse (five is the gesture). */
export async function tapSchoolName(page: Page, times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await page.locator('.school').click()
}

/** The PIN on the on-screen keys, then the pad's submit button (named `open` in the page's language). */
export async function enterPin(page: Page, pin: string, open = 'Öppna'): Promise<void> {
  for (const digit of pin) await button(page, digit).click()
  await button(page, open).click()
}

// The staff screen (product.md §2.10) in Chromium through the browser host: the hidden gesture,
// the PIN pad with its lockout, the staff screen with a connectivity test against the simulator,
// and the way back to the parents' screens.
import type { Page } from '@playwright/test'
import { staffReference } from '../../src/shared/staff-reference'
import { button, expect, expectScreen, freshPersonalNumber, heading, idleDialog, root, test, typeDigits } from './support/kiosk'
import { STAFF_PIN as PIN, STAFF_PIN_HASH as PIN_HASH, enterPin, pinMessage, pinPad, tapSchoolName } from './support/staff'

async function openStaffScreen(page: Page): Promise<void> {
  await tapSchoolName(page)
  await expect(pinPad(page)).toBeVisible()
  await enterPin(page, PIN)
  await expect(heading(page)).toHaveText('Personalskärm')
}

test.describe('without staff.allowExit', () => {
  test.use({ kioskSettings: { staff: { pinHash: PIN_HASH } } })

  test('the gesture, wrong PINs counted across closing the pad, the lock, then the right PIN', async ({ page, kiosk }) => {
    // Four taps are not the gesture.
    await tapSchoolName(page, 4)
    await page.waitForTimeout(50)
    await expect(pinPad(page)).toHaveCount(0)
    await page.locator('.school').click()
    await expect(pinPad(page)).toBeVisible()
    await expect(root(page)).toHaveAttribute('data-staff', 'pin')
    await expect(pinPad(page).locator('h1')).toBeFocused()
    await expect(pinMessage(page)).toHaveText('Skriv PIN-koden för personalskärmen.')

    await enterPin(page, '1111')
    await expect(pinMessage(page)).toHaveText('Fel PIN-kod. 4 försök kvar innan PIN-koden spärras en stund.')
    await expect(page.locator('.pin-dots')).not.toContainText('•')
    await enterPin(page, '2222')
    await expect(pinMessage(page)).toHaveText('Fel PIN-kod. 3 försök kvar innan PIN-koden spärras en stund.')

    // Closing the pad does not forget the wrong PINs.
    await button(page, 'Avbryt').click()
    await expect(pinPad(page)).toHaveCount(0)
    await expectScreen(page, 'welcome')
    await tapSchoolName(page)
    await enterPin(page, '3333')
    await expect(pinMessage(page)).toHaveText('Fel PIN-kod. 2 försök kvar innan PIN-koden spärras en stund.')

    // Typed on a keyboard: digits, Enter.
    await page.keyboard.type('4444')
    await page.keyboard.press('Enter')
    await expect(pinMessage(page)).toHaveText('Fel PIN-kod. 1 försök kvar innan PIN-koden spärras en stund.')
    await enterPin(page, '5555')
    await expect(pinMessage(page)).toHaveText('För många felaktiga försök. Försök igen om 5:00.')
    await expect(button(page, '1')).toBeDisabled()
    await kiosk.step(60_000, 1_000)
    await expect(pinMessage(page)).toHaveText('För många felaktiga försök. Försök igen om 4:00.')

    // The pad closes itself after two minutes untouched; the lock outlasts it.
    await kiosk.step(60_000, 1_000)
    await expect(pinPad(page)).toHaveCount(0)
    await tapSchoolName(page)
    await expect(pinMessage(page)).toHaveText('För många felaktiga försök. Försök igen om 3:00.')
    await button(page, 'Avbryt').click()

    await kiosk.step(180_000, 5_000)
    await tapSchoolName(page)
    await expect(pinMessage(page)).toHaveText('Skriv PIN-koden för personalskärmen.')
    await enterPin(page, PIN)
    await expect(heading(page)).toHaveText('Personalskärm')
    await button(page, 'Stäng').click()
    await expectScreen(page, 'welcome')
  })

  test('the staff screen: version, environment, a connectivity test against the simulator; Stäng goes back', async ({ page, kiosk }) => {
    await openStaffScreen(page)
    await expect(root(page)).toHaveAttribute('data-staff', 'open')
    const facts = page.locator('.staff-facts')
    await expect(facts).toContainText('e2e')
    await expect(facts.locator('[data-environment="simulator"]')).toHaveText('Simulator (inbyggt övnings-BankID)')
    await expect(facts).toContainText(kiosk.runtime.settings.path)
    await expect(facts).toContainText('CN=')
    await expect(page.locator('.connectivity')).toHaveText('Inte testad ännu.')
    await expect(button(page, 'Avsluta kiosken')).toHaveCount(0)

    await button(page, 'Testa anslutningen').click()
    await expect(page.locator('.connectivity')).toHaveAttribute('data-state', 'ok')
    await expect(page.locator('.connectivity')).toHaveText(/^BankID svarar\. Svarstid: \d+ ms\.$/)
    expect(kiosk.sim.log.list({ endpoint: 'collect' })).toHaveLength(1)
    expect(kiosk.sim.orders.list()).toEqual([])

    await button(page, 'Stäng').click()
    await expectScreen(page, 'welcome')
    await expect(root(page)).not.toHaveAttribute('data-staff', /./)
    await expect(heading(page)).toHaveText('Välkommen till Rinkebyskolan')
    await expect(heading(page)).toBeFocused()
  })

  test('what the parent read is in the recent errors, beside the internal code', async ({ page, kiosk }) => {
    kiosk.sim.faults.add({ endpoint: 'auth', times: 1, fault: { kind: 'internalError' } })
    await button(page, 'Logga in med Mobilt BankID').click()
    await typeDigits(page, freshPersonalNumber())
    await button(page, 'Nästa').click()
    await expectScreen(page, 'failure')
    const reference = staffReference('B-500-internalError')
    await expect(page.locator('section.failure')).toContainText(`Referens för personalen: ${reference}`)
    await expect(root(page)).not.toContainText('B-500-internalError')

    // The parent shows staff the screen; staff open theirs over it.
    await openStaffScreen(page)
    const row = page.locator('.staff-table tr', { hasText: 'bankid.failure' })
    await expect(row).toHaveCount(1)
    await expect(row.locator('td').nth(3)).toHaveText('B-500-internalError')
    await expect(row.locator('td').nth(4)).toHaveText(reference)
    await button(page, 'Stäng').click()
    await expectScreen(page, 'failure')
  })

  test('opens by touch and by Ctrl+Alt+S too; Escape closes', async ({ page }) => {
    const school = page.locator('.school')
    for (let i = 0; i < 5; i++) await school.dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true, button: 0 })
    await expect(pinPad(page)).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(pinPad(page)).toHaveCount(0)

    await page.keyboard.press('Control+Alt+KeyS')
    await expect(pinPad(page)).toBeVisible()
    await button(page, 'Avbryt').click()
    await expectScreen(page, 'welcome')
  })

  test('the parent’s screen idles out underneath; the staff screen stays, then closes itself after 2 minutes', async ({ page, kiosk }) => {
    await button(page, 'Logga in med Mobilt BankID').click()
    await expectScreen(page, 'keypad')
    await openStaffScreen(page)
    // The session's own idle period and warning pass while staff look at the screen.
    await kiosk.step(85_000, 1_000)
    await expectScreen(page, 'welcome')
    await expect(idleDialog(page)).toHaveCount(0)
    await expect(heading(page)).toHaveText('Personalskärm')
    await kiosk.step(35_000, 1_000)
    await expect(root(page)).not.toHaveAttribute('data-staff', /./)
    await expect(heading(page)).toHaveText('Välkommen till Rinkebyskolan')
  })
})

test.describe('with staff.allowExit', () => {
  test.use({ kioskSettings: { staff: { pinHash: PIN_HASH, allowExit: true } } })

  test('Avsluta kiosken asks the host to quit', async ({ page, kiosk }) => {
    await openStaffScreen(page)
    await button(page, 'Avsluta kiosken').click()
    await expect.poll(() => kiosk.exits.count).toBe(1)
    await button(page, 'Stäng').click()
    await expectScreen(page, 'welcome')
  })
})

// The keypad screen: live ÅÅÅÅMMDD-NNNN formatting, what the message line says, and what Nästa sends.
import { fireEvent, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { Intent } from '../../src/shared/contract'
import { CATALOGUES, translator } from '../../src/renderer/src/i18n'
import Keypad from '../../src/renderer/src/screens/Keypad.svelte'

const t = translator(CATALOGUES.sv)
const sv = CATALOGUES.sv
const today = { year: 2026, month: 11, day: 24 }

function setup() {
  const send = vi.fn<(intent: Intent) => void>()
  const user = userEvent.setup({ delay: null })
  const view = render(Keypad, { props: { fault: null, t, send, today } })
  const field = view.container.querySelector('output.pnr')
  if (!field) throw new Error('no personnummer field')
  const typed = () => field.querySelector('.typed')?.textContent ?? ''
  const rest = () => field.querySelector('.template')?.textContent ?? ''
  const messageLine = view.container.querySelector('#keypad-message')
  const message = () => messageLine?.textContent ?? ''
  /** The typed characters the field points at as wrong, or null when none are marked. */
  const wrong = () => field.querySelector('.typed mark.wrong')?.textContent ?? null
  // The buttons stay the same elements while the screen is shown: look them up once (getByRole is slow).
  const nextElement = screen.getByRole('button', { name: sv['keypad.next'] })
  const nextButton = () => nextElement
  const digitKeys = new Map(
    screen.getAllByRole('button', { name: /^[0-9]$/ }).map((key) => [key.textContent, key] as const),
  )
  expect([...digitKeys.keys()].sort().join('')).toBe('0123456789')
  /** Taps the on-screen digit keys (a plain click each: pointer details do not matter here). */
  async function tap(digits: string): Promise<void> {
    for (const digit of digits) await fireEvent.click(digitKeys.get(digit) as HTMLElement)
  }
  return { send, user, view, field, typed, rest, message, messageLine, wrong, nextButton, tap }
}

describe('Keypad', () => {
  it('shows the empty template and asks for 12 digits at first, with Nästa disabled', () => {
    const k = setup()
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(sv['keypad.heading'])
    expect(k.typed()).toBe('')
    expect(k.rest()).toBe('ÅÅÅÅMMDD-NNNN')
    expect(k.field).toHaveTextContent('ÅÅÅÅMMDD-NNNN')
    expect(k.message()).toBe('Skriv 12 siffror.')
    expect(k.field).not.toHaveClass('has-fault')
    expect(k.nextButton()).toBeDisabled()
  })

  it('formats the digits live as they are tapped, with the rest of the template after them', async () => {
    const k = setup()
    await k.tap('1990')
    expect(k.typed()).toBe('1990')
    expect(k.rest()).toBe('MMDD-NNNN')
    expect(k.message()).toBe('Skriv 8 siffror till.')
    await k.tap('0101')
    expect(k.typed()).toBe('19900101')
    expect(k.rest()).toBe('-NNNN')
    await k.tap('2')
    expect(k.typed()).toBe('19900101-2')
    expect(k.rest()).toBe('NNN')
    expect(k.field).toHaveTextContent('19900101-2NNN')
    expect(k.message()).toBe('Skriv 3 siffror till.')
    expect(k.nextButton()).toBeDisabled()
  })

  it('counts toward 10 for the 10-digit form, toward 12 for the 12-digit form and the first digit', async () => {
    const k = setup()
    await k.tap('9')
    expect(k.message()).toBe('Skriv 11 siffror till.')
    await k.tap('0')
    expect(k.message()).toBe('Skriv 8 siffror till.')
    await k.tap('0101238')
    expect(k.message()).toBe('Skriv 1 siffra till.')
    await k.user.click(screen.getByRole('button', { name: sv['keypad.clearLabel'] }))
    await k.tap('19')
    expect(k.message()).toBe('Skriv 10 siffror till.')
  })

  it('says keep typing at 10 digits that start a 12-digit number, and at 11', async () => {
    const k = setup()
    await k.tap('1990010123')
    expect(k.message()).toBe(sv['keypad.keepTyping'])
    expect(k.nextButton()).toBeDisabled()
    await k.tap('8')
    expect(k.typed()).toBe('19900101-238')
    expect(k.message()).toBe(sv['keypad.keepTyping'])
    expect(k.nextButton()).toBeDisabled()
  })

  it('is ready at 12 valid digits and Nästa sends exactly the digits typed', async () => {
    const k = setup()
    await k.tap('199001012385')
    expect(k.typed()).toBe('19900101-2385')
    expect(k.rest()).toBe('')
    expect(k.message()).toBe(sv['keypad.ready'])
    expect(k.field).not.toHaveTextContent('N')
    expect(k.nextButton()).toBeEnabled()
    await k.user.click(k.nextButton())
    expect(k.send).toHaveBeenCalledTimes(1)
    expect(k.send).toHaveBeenCalledWith({ type: 'start', personnummer: '199001012385' })
  })

  it('sends a valid 10-digit number as the 10 digits typed', async () => {
    const k = setup()
    await k.tap('9001012385')
    expect(k.typed()).toBe('900101-2385')
    expect(k.message()).toBe(sv['keypad.ready'])
    await k.user.click(k.nextButton())
    expect(k.send).toHaveBeenCalledWith({ type: 'start', personnummer: '9001012385' })
  })

  // Regression: a valid 10-digit number used to show a leftover "NN" of the 12-digit template.
  it('shows no template rest after a valid 10-digit number', async () => {
    const k = setup()
    await k.tap('9001012385')
    expect(k.rest()).toBe('')
  })

  it.each([
    ['199001012386', 'check-digit', '2386'],
    ['199002302385', 'day', '30'],
    ['199013012385', 'month', '13'],
    ['202611251238', 'future-date', '20261125'],
    ['9001012386', 'check-digit', '2386'],
    ['9004312385', 'day', '31'],
  ] as const)('names the fault in %s from the catalogue (%s), marks the field and the part, and keeps Nästa disabled', async (digits, fault, part) => {
    const k = setup()
    await k.tap(digits)
    expect(k.message()).toBe(sv[`keypad.fault.${fault}`])
    expect(k.messageLine).toHaveClass('fault')
    expect(k.field).toHaveClass('has-fault')
    expect(k.wrong()).toBe(part)
    expect(k.nextButton()).toBeDisabled()
    await k.user.click(k.nextButton())
    expect(k.send).not.toHaveBeenCalled()
  })

  it('points at a month that cannot be as soon as it is typed, and lets go when it is erased', async () => {
    const k = setup()
    await k.tap('19901')
    expect(k.field).not.toHaveClass('has-fault')
    expect(k.wrong()).toBeNull()
    await k.tap('3')
    expect(k.message()).toBe('Månaden ska vara 01–12. Kontrollera månaden.')
    expect(k.messageLine).toHaveClass('fault')
    expect(k.field).toHaveClass('has-fault')
    expect(k.wrong()).toBe('13')
    // The digits read the same as before: only the month is wrapped.
    await k.tap('0')
    expect(k.typed()).toBe('1990130')
    expect(k.field.querySelector('.typed')?.innerHTML.replace(/<!--.*?-->/g, '')).toBe('1990<mark class="wrong">13</mark>0')
    expect(k.field).toHaveAccessibleDescription(sv['keypad.fault.month'])
    await k.user.click(screen.getByRole('button', { name: sv['keypad.eraseLabel'] }))
    await k.user.click(screen.getByRole('button', { name: sv['keypad.eraseLabel'] }))
    expect(k.typed()).toBe('19901')
    expect(k.field).not.toHaveClass('has-fault')
    expect(k.messageLine).not.toHaveClass('fault')
    expect(k.wrong()).toBeNull()
    expect(k.message()).toBe('Skriv 7 siffror till.')
  })

  it('points at a month in the 10-digit form at its fourth digit', async () => {
    const k = setup()
    await k.tap('9013')
    expect(k.message()).toBe(sv['keypad.fault.month'])
    expect(k.wrong()).toBe('13')
    expect(k.typed()).toBe('9013')
  })

  it('points at a day that cannot be: 29 February only in a leap year', async () => {
    const k = setup()
    await k.tap('19900229')
    expect(k.message()).toBe('Den dagen finns inte. Kontrollera dagen.')
    expect(k.field).toHaveClass('has-fault')
    expect(k.wrong()).toBe('29')
    await k.user.click(screen.getByRole('button', { name: sv['keypad.clearLabel'] }))
    await k.tap('19960229')
    expect(k.field).not.toHaveClass('has-fault')
    expect(k.message()).toBe('Skriv 4 siffror till.')
  })

  it('says too many digits after a whole 10-digit number, marking the field but no part', async () => {
    const k = setup()
    await k.tap('90010123851')
    expect(k.message()).toBe(sv['keypad.fault.length'])
    expect(k.field).toHaveClass('has-fault')
    expect(k.wrong()).toBeNull()
    expect(k.rest()).toBe('')
  })

  it('Sudda erases the last digit and Rensa clears all', async () => {
    const k = setup()
    await k.tap('1990012')
    await k.user.click(screen.getByRole('button', { name: sv['keypad.eraseLabel'] }))
    expect(k.typed()).toBe('199001')
    expect(k.rest()).toBe('DD-NNNN')
    await k.user.click(screen.getByRole('button', { name: sv['keypad.clearLabel'] }))
    expect(k.typed()).toBe('')
    expect(k.rest()).toBe('ÅÅÅÅMMDD-NNNN')
    expect(k.message()).toBe('Skriv 12 siffror.')
    // Erasing nothing is harmless.
    await k.user.click(screen.getByRole('button', { name: sv['keypad.eraseLabel'] }))
    expect(k.typed()).toBe('')
  })

  it('takes at most 12 digits', async () => {
    const k = setup()
    await k.tap('1990010123859')
    expect(k.typed()).toBe('19900101-2385')
    await k.tap('77')
    expect(k.typed()).toBe('19900101-2385')
    expect(k.nextButton()).toBeEnabled()
  })

  it('works with a physical keyboard: digits, Backspace, Delete and Enter', async () => {
    const k = setup()
    await k.user.keyboard('19900101')
    expect(k.typed()).toBe('19900101')
    await k.user.keyboard('{Backspace}{Backspace}')
    expect(k.typed()).toBe('199001')
    await k.user.keyboard('{Delete}')
    expect(k.typed()).toBe('')
    // Letters and shortcuts are not digits.
    await k.user.keyboard('ab{Control>}1{/Control}')
    expect(k.typed()).toBe('')
    // Enter before the number is valid sends nothing.
    await k.user.keyboard('19900101238{Enter}')
    expect(k.send).not.toHaveBeenCalled()
    await k.user.keyboard('5{Enter}')
    expect(k.send).toHaveBeenCalledTimes(1)
    expect(k.send).toHaveBeenCalledWith({ type: 'start', personnummer: '199001012385' })
  })

  it("shows main's fault for the submitted digits until a digit changes, and keeps Nästa disabled for them", async () => {
    const k = setup()
    await k.tap('199001012385')
    await k.user.click(k.nextButton())
    expect(k.send).toHaveBeenCalledTimes(1)
    await k.view.rerender({ fault: 'check-digit' })
    expect(k.message()).toBe(sv['keypad.fault.check-digit'])
    expect(k.field).toHaveClass('has-fault')
    expect(k.wrong()).toBe('2385')
    expect(k.nextButton()).toBeDisabled()
    // A digit changes: the verdict no longer applies.
    await k.user.click(screen.getByRole('button', { name: sv['keypad.eraseLabel'] }))
    expect(k.message()).toBe(sv['keypad.keepTyping'])
    expect(k.message()).not.toBe(sv['keypad.fault.check-digit'])
    expect(k.field).not.toHaveClass('has-fault')
    expect(k.wrong()).toBeNull()
    // The same digits again: main already refused them.
    await k.tap('5')
    expect(k.message()).toBe(sv['keypad.fault.check-digit'])
    expect(k.nextButton()).toBeDisabled()
    await k.user.keyboard('{Enter}')
    expect(k.send).toHaveBeenCalledTimes(1)
  })

  it("points main's verdicts at their part: the date for a future date, a 10-digit number's last four", async () => {
    const k = setup()
    await k.tap('9001012385')
    await k.user.click(k.nextButton())
    await k.view.rerender({ fault: 'future-date' })
    expect(k.message()).toBe(sv['keypad.fault.future-date'])
    expect(k.wrong()).toBe('900101')
    await k.view.rerender({ fault: 'check-digit' })
    expect(k.typed()).toBe('900101-2385')
    expect(k.wrong()).toBe('2385')
  })

  it("does not show main's fault for digits that were never submitted", async () => {
    const k = setup()
    await k.view.rerender({ fault: 'future-date' })
    await k.tap('199001012385')
    expect(k.message()).toBe(sv['keypad.ready'])
    expect(k.nextButton()).toBeEnabled()
  })

  it('Avbryt sends cancel', async () => {
    const k = setup()
    await k.tap('1990')
    await k.user.click(screen.getByRole('button', { name: sv['app.cancel'] }))
    expect(k.send).toHaveBeenCalledWith({ type: 'cancel' })
    expect(k.send).toHaveBeenCalledTimes(1)
  })

  it('ties the message line to the field for screen readers, and hides the template from them', () => {
    const k = setup()
    expect(k.field).toHaveAccessibleName(sv['keypad.label'])
    expect(k.field).toHaveAccessibleDescription('Skriv 12 siffror.')
    expect(k.field.querySelector('.template')).toHaveAttribute('aria-hidden', 'true')
  })
})

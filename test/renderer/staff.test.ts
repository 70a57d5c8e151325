// The staff gesture, the PIN pad and the staff screen: what they show and the intents they send.
import { act, fireEvent, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Intent, KioskApi, Snapshot, StaffInfo, StaffView } from '../../src/shared/contract'
import { staffReference } from '../../src/shared/staff-reference'
import App from '../../src/renderer/src/App.svelte'
import { CATALOGUES, translator } from '../../src/renderer/src/i18n'
import { TapCounter, isStaffShortcut } from '../../src/renderer/src/staff/gesture'
import PinPad from '../../src/renderer/src/staff/PinPad.svelte'
import StaffScreen from '../../src/renderer/src/staff/StaffScreen.svelte'
import { SCHOOL, screens, snapshot } from './snapshots'

const sv = CATALOGUES.sv
const t = translator(sv)
const newSend = () => vi.fn<(intent: Intent) => void>()
const button = (name: string) => screen.getByRole('button', { name })

let user: ReturnType<typeof userEvent.setup>
beforeEach(() => {
  user = userEvent.setup({ delay: null })
})

const INFO: StaffInfo = {
  version: '0.9.1',
  settingsPath: '/etc/bankid-kiosk/settings.json',
  settingsProblem: null,
  environment: 'production',
  endpoint: 'appapi2.bankid.com',
  certificate: { subject: 'CN=Testskolan RP, O=Kommunen', notAfter: '2027-03-01T00:00:00.000Z', daysLeft: 97 },
  uptimeSeconds: 2 * 3600 + 5 * 60 + 9,
  recentErrors: [
    { at: '2026-11-24T09:00:05.000Z', level: 'error', event: 'service.out', reference: 'B-503-maintenance' },
    { at: '2026-11-24T08:59:00.000Z', level: 'warn', event: 'bankid.failure', reference: null },
  ],
  counters: { success: 7, timeout: 1 },
  handoff: 'hmac',
}
const openView = (o: Partial<Extract<StaffView, { stage: 'open' }>> = {}): Extract<StaffView, { stage: 'open' }> => ({
  stage: 'open',
  info: INFO,
  connectivity: null,
  canExit: false,
  ...o,
})
const pinView = (o: Partial<Extract<StaffView, { stage: 'pin' }>> = {}): Extract<StaffView, { stage: 'pin' }> => ({
  stage: 'pin',
  fault: null,
  lockedSeconds: 0,
  attemptsLeft: 5,
  ...o,
})

describe('the gesture', () => {
  it('needs five taps within three seconds; a slow one starts the count afresh', () => {
    const taps = new TapCounter()
    expect([0, 500, 1000, 1500].map((at) => taps.tap(at))).toEqual([false, false, false, false])
    expect(taps.tap(2000)).toBe(true)
    // The count starts over after the gesture; a tap over three seconds old no longer counts.
    expect([10_000, 10_500, 11_000, 11_500, 13_100].map((at) => taps.tap(at))).toEqual([false, false, false, false, false])
    expect(taps.tap(13_200)).toBe(true) // 10 500 … 13 200: five within three seconds
    expect([20_000, 21_000, 22_000, 23_000, 24_000, 25_000].map((at) => taps.tap(at))).toEqual([false, false, false, false, false, false])
  })

  it('has a keyboard shortcut: Ctrl+Alt+S, not with other modifiers, not repeated', () => {
    const key = { ctrlKey: true, altKey: true, metaKey: false, shiftKey: false, code: 'KeyS', repeat: false }
    expect(isStaffShortcut(key)).toBe(true)
    expect(isStaffShortcut({ ...key, shiftKey: true })).toBe(false)
    expect(isStaffShortcut({ ...key, altKey: false })).toBe(false)
    expect(isStaffShortcut({ ...key, repeat: true })).toBe(false)
    expect(isStaffShortcut({ ...key, code: 'KeyD' })).toBe(false)
  })
})

function app(first: Snapshot = snapshot()) {
  let listener: ((snapshot: Snapshot) => void) | null = null
  const send = vi.fn<(intent: Intent) => void>()
  const api: KioskApi = {
    subscribe(next) {
      listener = next
      next(first)
      return () => undefined
    },
    send,
  }
  render(App, { props: { api } })
  const push = async (next: Snapshot) => {
    const deliver = listener
    if (!deliver) throw new Error('not subscribed')
    await act(() => deliver(next))
  }
  const staffIntents = () => send.mock.calls.map(([intent]) => intent).filter((intent) => intent.type.startsWith('staff-'))
  return { send, push, staffIntents }
}

describe('App and the staff screen', () => {
  it('five taps on the school name ask for the PIN; four do not, nor taps elsewhere', async () => {
    const { staffIntents } = app()
    const school = screen.getByText(SCHOOL)
    for (let i = 0; i < 4; i++) await fireEvent.pointerDown(school, { isPrimary: true, button: 0 })
    for (let i = 0; i < 5; i++) await fireEvent.pointerDown(document.querySelector('main') as Element, { isPrimary: true, button: 0 })
    expect(staffIntents()).toEqual([])
    await fireEvent.pointerDown(school, { isPrimary: true, button: 0 })
    expect(staffIntents()).toEqual([{ type: 'staff-open' }])
  })

  it('Ctrl+Alt+S asks for the PIN', async () => {
    const { staffIntents } = app()
    await user.keyboard('{Control>}{Alt>}s{/Alt}{/Control}')
    expect(staffIntents()).toEqual([{ type: 'staff-open' }])
  })

  it('the staff screen replaces the parent’s page, and the parent’s page comes back when it closes', async () => {
    const { push } = app(snapshot({ screen: screens.loggedIn({ givenName: 'Leila' }) }))
    expect(document.body.textContent).toContain('Leila')
    await push(snapshot({ screen: screens.loggedIn({ givenName: 'Leila' }), staff: pinView() }))
    expect(document.body.textContent).not.toContain('Leila')
    expect(screen.getByRole('dialog')).toHaveAccessibleName(sv['staff.pin.heading'])
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: sv['staff.pin.heading'] }))
    await push(snapshot({ screen: screens.loggedIn({ givenName: 'Leila' }), staff: openView(), idleWarning: { secondsLeft: 12 } }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(sv['staff.heading'])
    await push(snapshot({ screen: screens.welcome() }))
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(`Välkommen till ${SCHOOL}`)
  })
})

describe('PinPad', () => {
  it('shows digits only as dots, sends the PIN on Öppna and forgets it', async () => {
    const send = newSend()
    render(PinPad, { props: { view: pinView(), t, send } })
    expect(button(sv['staff.pin.open'])).toBeDisabled()
    for (const digit of '2580') await user.click(button(digit))
    expect(document.querySelector('.pin-dots')?.textContent).toContain('••••')
    expect(document.body.textContent).not.toContain('2580')
    expect(screen.getByText('Inskrivna siffror: 4')).toBeInTheDocument()
    await user.click(button(sv['staff.pin.open']))
    expect(send).toHaveBeenCalledWith({ type: 'staff-pin', pin: '2580' })
    expect(screen.getByText('Inskrivna siffror: 0')).toBeInTheDocument()
  })

  it('takes digits, Backspace and Enter from a keyboard, and Escape closes', async () => {
    const send = newSend()
    render(PinPad, { props: { view: pinView(), t, send } })
    await user.keyboard('12345{Backspace}{Enter}')
    expect(send).toHaveBeenCalledWith({ type: 'staff-pin', pin: '1234' })
    await user.keyboard('{Escape}')
    expect(send).toHaveBeenLastCalledWith({ type: 'staff-close' })
  })

  it('cancels with Avbryt', async () => {
    const send = newSend()
    render(PinPad, { props: { view: pinView(), t, send } })
    await user.click(button(sv['app.cancel']))
    expect(send).toHaveBeenCalledWith({ type: 'staff-close' })
  })

  it('says how many tries are left after a wrong PIN, and counts a lock down with the keys off', async () => {
    const send = newSend()
    const view = render(PinPad, { props: { view: pinView({ fault: 'wrong', attemptsLeft: 3 }), t, send } })
    expect(screen.getByText('Fel PIN-kod. 3 försök kvar innan PIN-koden spärras en stund.')).toBeInTheDocument()
    await view.rerender({ view: pinView({ fault: 'locked', lockedSeconds: 272, attemptsLeft: 0 }), t, send })
    expect(screen.getByText('För många felaktiga försök. Försök igen om 4:32.')).toBeInTheDocument()
    expect(button('7')).toBeDisabled()
    await user.keyboard('1234{Enter}')
    expect(send).not.toHaveBeenCalled()
  })
})

describe('StaffScreen', () => {
  it('shows the version, settings file, environment, certificate, uptime, hand-off, counts and errors', () => {
    render(StaffScreen, { props: { view: openView(), t, send: newSend() } })
    const facts = document.querySelector('.staff-facts') as HTMLElement
    const factText = facts.textContent?.replace(/\s+/g, ' ') ?? ''
    for (const text of [
      '0.9.1',
      '/etc/bankid-kiosk/settings.json',
      sv['staff.environment.production'],
      'CN=Testskolan RP, O=Kommunen',
      'Giltigt till 2027-03-01 (97 dagar kvar)',
      '2 h 5 min',
      sv['staff.handoff.hmac'],
    ]) {
      expect(factText).toContain(text)
    }
    const [counts, errors] = screen.getAllByRole('table')
    expect(within(counts as HTMLElement).getAllByRole('row').map((row) => row.textContent)).toEqual(['UtfallAntal', 'success7', 'timeout1'])
    expect(within(errors as HTMLElement).getAllByRole('row')).toHaveLength(3)
    expect(errors?.textContent).toContain('B-503-maintenance')
    // Beside the code, the reference the parent's screen showed for it.
    const serviceOut = within(errors as HTMLElement).getAllByRole('row')[1] as HTMLElement
    expect(within(serviceOut).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      expect.any(String),
      sv['staff.errors.error'],
      'service.out',
      'B-503-maintenance',
      staffReference('B-503-maintenance'),
    ])
    expect(within(errors as HTMLElement).getAllByRole('columnheader').map((cell) => cell.textContent)).toContain(sv['staff.errors.staffReference'])
    expect(screen.queryByText(sv['staff.settingsProblem'])).toBeNull()
  })

  it('shows the settings problem, and says when there is nothing to list', () => {
    const info: StaffInfo = { ...INFO, settingsProblem: 'Setting "timing.idleSeconds" must be a whole number from 15 to 600 (it is 1).', environment: null, certificate: null, recentErrors: [], counters: {} }
    render(StaffScreen, { props: { view: openView({ info }), t, send: newSend() } })
    expect(screen.getByText(info.settingsProblem ?? '')).toBeInTheDocument()
    expect(screen.getByText(sv['staff.environment.unknown'])).toBeInTheDocument()
    expect(screen.getByText(sv['staff.counters.none'])).toBeInTheDocument()
    expect(screen.getByText(sv['staff.errors.none'])).toBeInTheDocument()
  })

  it('tests the connection and shows how it went', async () => {
    const send = newSend()
    const view = render(StaffScreen, { props: { view: openView(), t, send } })
    expect(screen.getByText(sv['staff.connection.untested'])).toBeInTheDocument()
    await user.click(button(sv['staff.connection.test']))
    expect(send).toHaveBeenCalledWith({ type: 'staff-test-connection' })
    await view.rerender({ view: openView({ connectivity: { state: 'running' } }), t, send })
    expect(button(sv['staff.connection.test'])).toBeDisabled()
    await view.rerender({ view: openView({ connectivity: { state: 'ok', latencyMs: 48 } }), t, send })
    expect(document.querySelector('.connectivity')?.textContent?.trim()).toBe('BankID svarar. Svarstid: 48 ms.')
    await view.rerender({ view: openView({ connectivity: { state: 'failed', reference: 'N-ECONNREFUSED', message: 'network ECONNREFUSED' } }), t, send })
    expect(document.querySelector('.connectivity')?.textContent?.trim()).toBe('Ingen kontakt med BankID: N-ECONNREFUSED (network ECONNREFUSED)')
  })

  it('closes; offers Avsluta kiosken only when main says it may', async () => {
    const send = newSend()
    const view = render(StaffScreen, { props: { view: openView(), t, send } })
    expect(screen.queryByRole('button', { name: sv['staff.exit'] })).toBeNull()
    await user.click(button(sv['staff.close']))
    expect(send).toHaveBeenLastCalledWith({ type: 'staff-close' })
    await view.rerender({ view: openView({ canExit: true }), t, send })
    await user.click(button(sv['staff.exit']))
    expect(send).toHaveBeenLastCalledWith({ type: 'staff-exit' })
  })
})

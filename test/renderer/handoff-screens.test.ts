// The hand-off's screens (product.md §5) and the locked view in App: what they show, what their
// buttons send, and that the frame is sandboxed and gone once the parent has left.
import { act, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Intent, KioskApi, Screen, Snapshot } from '../../src/shared/contract'
import { staffReference } from '../../src/shared/staff-reference'
import App from '../../src/renderer/src/App.svelte'
import { CATALOGUES, translator } from '../../src/renderer/src/i18n'
import Failure from '../../src/renderer/src/screens/Failure.svelte'
import HandingOff from '../../src/renderer/src/screens/HandingOff.svelte'
import HandoffMessage from '../../src/renderer/src/screens/HandoffMessage.svelte'
import { SCHOOL, snapshot } from './snapshots'

const sv = CATALOGUES.sv
const t = translator(sv)
const URL_ON_LIST = 'https://portal.example-skola.se/start?session=abc'

let user: ReturnType<typeof userEvent.setup>
beforeEach(() => {
  user = userEvent.setup({ delay: null })
})

describe('HandingOff', () => {
  it('says the parent is logged in, by given name, and that the school’s service is being told', () => {
    render(HandingOff, { props: { screen: { name: 'handing-off', givenName: 'Fatima' }, t } })
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(sv['loggedIn.heading'])
    expect(screen.getByText('Välkommen, Fatima!')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent(sv['handingOff.status'])
    expect(screen.queryByRole('button')).toBeNull()
  })
})

describe('HandoffMessage', () => {
  it('shows the service’s message as text, the countdown, and "Klar" sends done', async () => {
    const send = vi.fn<(intent: Intent) => void>()
    const message = '<b>Gå till rum 12</b>'
    render(HandoffMessage, { props: { screen: { name: 'handoff-message', givenName: 'Fatima', message, secondsLeft: 9 }, t, send } })
    expect(screen.getByText(message)).toBeInTheDocument()
    expect(document.querySelector('b')).toBeNull()
    expect(screen.getByText(sv['handoffMessage.from'])).toBeInTheDocument()
    expect(screen.getByText('Skärmen stängs om 9 sekunder.')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: sv['loggedIn.done'] }))
    expect(send).toHaveBeenCalledWith({ type: 'done' })
  })
})

describe('Failure: handoff-failed', () => {
  it('tells the parent to ask the reception, offers only "Till början", and shows the code', async () => {
    const send = vi.fn<(intent: Intent) => void>()
    render(Failure, { props: { screen: { name: 'failure', cause: 'handoff-failed', messageKey: null, reference: 'HO-NETWORK' }, t, send } })
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(sv['failure.handoff-failed.title'])
    expect(screen.getByText(sv['failure.handoff-failed.body'])).toHaveTextContent(/receptionen/)
    expect(screen.queryByRole('button', { name: sv['app.tryAgain'] })).toBeNull()
    await user.click(screen.getByRole('button', { name: sv['app.toStart'] }))
    expect(send).toHaveBeenCalledWith({ type: 'cancel' })
    expect(document.body.textContent).toContain(staffReference('HO-NETWORK'))
    expect(document.body.textContent).not.toContain('HO-NETWORK')
  })
})

describe('the locked view in App', () => {
  function setup() {
    let listener: ((snapshot: Snapshot) => void) | null = null
    const send = vi.fn<(intent: Intent) => void>()
    const api: KioskApi = {
      subscribe(next) {
        listener = next
        return () => undefined
      },
      send,
    }
    render(App, { props: { api } })
    const push = async (screenState: Screen, extra: Partial<Snapshot> = {}) => {
      const deliver = listener
      if (!deliver) throw new Error('not subscribed')
      await act(() => deliver(snapshot({ screen: screenState, ...extra })))
    }
    return { send, push }
  }
  const frame = () => document.querySelector('iframe')

  it('the page in a sandboxed frame without a referrer, under a bar with "Logga ut" instead of the header', async () => {
    const { push, send } = setup()
    await push({ name: 'handoff-view', url: URL_ON_LIST })
    expect(document.querySelector('.kiosk')).toHaveAttribute('data-screen', 'handoff-view')
    const iframe = frame()
    expect(iframe).not.toBeNull()
    expect(iframe).toHaveAttribute('src', URL_ON_LIST)
    expect(iframe).toHaveAttribute('title', sv['handoffView.frameTitle'])
    expect(iframe?.getAttribute('sandbox')?.split(' ').sort()).toEqual(['allow-forms', 'allow-same-origin', 'allow-scripts'])
    expect(iframe).toHaveAttribute('referrerpolicy', 'no-referrer')
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(`Inloggad hos ${SCHOOL}`)
    // The language chooser and the low-reach toggle belong to the kiosk's own screens, not here.
    expect(document.querySelector('header.bar')).toBeNull()
    await user.click(screen.getByRole('button', { name: sv['handoffView.logout'] }))
    expect(send.mock.calls.map(([intent]) => intent)).toContainEqual({ type: 'logout' })
  })

  it('the idle question covers it like any screen, and the frame is gone with the view', async () => {
    const { push } = setup()
    await push({ name: 'handoff-view', url: URL_ON_LIST }, { idleWarning: { secondsLeft: 12 } })
    expect(screen.getByRole('alertdialog')).toBeInTheDocument()
    expect(frame()).not.toBeNull()
    await push({ name: 'welcome' })
    expect(frame()).toBeNull()
    expect(document.body.innerHTML).not.toContain('portal.example-skola.se')
  })

  it('in low reach the bar with "Logga ut" goes to the bottom', async () => {
    const { push } = setup()
    await push({ name: 'handoff-view', url: URL_ON_LIST }, { lowReach: true })
    expect(document.querySelector('.kiosk')).toHaveClass('low-reach')
    expect(document.querySelector('main.handoff-view')).not.toBeNull()
  })
})

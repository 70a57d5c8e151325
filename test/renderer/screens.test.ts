// Each screen, given its part of the snapshot: what it shows, and the intents its buttons send.
import { render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BANKID_MESSAGE_KEYS } from '../../src/shared/bankid-messages'
import type { FailureCause, Intent } from '../../src/shared/contract'
import { FAILURE_CAUSES } from '../../src/shared/contract'
import { staffReference } from '../../src/shared/staff-reference'
import IdleOverlay from '../../src/renderer/src/components/IdleOverlay.svelte'
import { FAQ_QUESTIONS } from '../../src/renderer/src/faq'
import type { MessageKey } from '../../src/renderer/src/i18n'
import { CATALOGUES, translator } from '../../src/renderer/src/i18n'
import Failure from '../../src/renderer/src/screens/Failure.svelte'
import Faq from '../../src/renderer/src/screens/Faq.svelte'
import Guide from '../../src/renderer/src/screens/Guide.svelte'
import LoggedIn from '../../src/renderer/src/screens/LoggedIn.svelte'
import OutOfService from '../../src/renderer/src/screens/OutOfService.svelte'
import Starting from '../../src/renderer/src/screens/Starting.svelte'
import Waiting from '../../src/renderer/src/screens/Waiting.svelte'
import Welcome from '../../src/renderer/src/screens/Welcome.svelte'
import { BANKS, QR_SVG, SCHOOL, screens } from './snapshots'

/** A sentence whose values sit in their own <bdi> elements: matched on the whole element's text. */
const sentence = (text: string) => (_content: string, element: Element | null) =>
  element !== null && element.textContent === text && !Array.from(element.children).some((child) => child.textContent === text)

const sv = CATALOGUES.sv
const t = translator(sv)
const newSend = () => vi.fn<(intent: Intent) => void>()
const heading = () => screen.getByRole('heading', { level: 1 })
const button = (name: string) => screen.getByRole('button', { name })

/** A fresh user for every test; no delay between keys, as nothing here is timed. */
let user: ReturnType<typeof userEvent.setup>
beforeEach(() => {
  user = userEvent.setup({ delay: null })
})

/** Clicks the button and expects exactly this one intent. */
async function expectSends(send: ReturnType<typeof newSend>, name: string, intent: Intent): Promise<void> {
  send.mockClear()
  await user.click(button(name))
  expect(send).toHaveBeenCalledTimes(1)
  expect(send).toHaveBeenCalledWith(intent)
}

describe('Welcome', () => {
  it("greets with the school's name and offers begin, the guide and the FAQ", async () => {
    const send = newSend()
    render(Welcome, { props: { schoolName: SCHOOL, t, send } })
    expect(heading()).toHaveTextContent(`Välkommen till ${SCHOOL}`)
    expect(heading()).toHaveAttribute('tabindex', '-1')
    expect(screen.getByText(sv['app.privacy'])).toBeInTheDocument()
    await expectSends(send, sv['welcome.start'], { type: 'begin' })
    await expectSends(send, sv['welcome.noBankId'], { type: 'open-guide' })
    await expectSends(send, sv['welcome.faq'], { type: 'open-faq' })
  })
})

describe('Starting', () => {
  it('shows the masked number and cancels', async () => {
    const send = newSend()
    render(Starting, { props: { screen: screens.starting(), t, send } })
    expect(heading()).toHaveTextContent(sv['starting.heading'])
    expect(screen.getByText(sentence('Personnummer: 19900101-••••'))).toBeInTheDocument()
    await expectSends(send, sv['app.cancel'], { type: 'cancel' })
  })

  it('shows no number in QR mode', () => {
    const { container } = render(Starting, { props: { screen: screens.starting({ maskedPersonnummer: null }), t, send: newSend() } })
    expect(container).not.toHaveTextContent('Personnummer:')
  })
})

describe('Waiting', () => {
  it('shows the QR as an image, the three steps, the countdown, the masked number and the warning about other QR codes', async () => {
    const send = newSend()
    const { container } = render(Waiting, { props: { screen: screens.waiting(), t, send } })
    expect(heading()).toHaveTextContent(sv['waiting.heading'])

    const qr = screen.getByRole('img', { name: sv['waiting.qrAlt'] })
    const src = qr.getAttribute('src') ?? ''
    expect(src.startsWith('data:image/svg+xml')).toBe(true)
    expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toBe(QR_SVG)
    // The SVG is a picture, never parsed into the page.
    expect(container.querySelector('svg')).toBeNull()

    const steps = within(container.querySelector('ol') as HTMLElement).getAllByRole('listitem')
    expect(steps.map((step) => step.textContent)).toEqual([sv['waiting.step1'], sv['waiting.step2'], sv['waiting.step3']])

    // "Start the app and scan the QR" is what the steps say: the status line stays empty (but in the page).
    expect(screen.getByRole('status')).toHaveTextContent(/^$/)
    expect(screen.getByText(sv['waiting.antiFraud'])).toBeInTheDocument()
    expect(screen.getByText('Tid kvar: 2:05')).toBeInTheDocument()
    expect(screen.getByText(sentence('Inloggning för 19900101-••••'))).toBeInTheDocument()
    await expectSends(send, sv['app.cancel'], { type: 'cancel' })
  })

  it.each(BANKID_MESSAGE_KEYS.filter((key) => key !== 'bankid.rfa1'))('shows the status text for %s beside the QR', (messageKey) => {
    render(Waiting, { props: { screen: screens.waiting({ messageKey }), t, send: newSend() } })
    expect(screen.getByRole('status')).toHaveTextContent(sv[messageKey])
  })

  it.each(BANKID_MESSAGE_KEYS)('shows the status text for %s once the QR is gone', (messageKey) => {
    render(Waiting, { props: { screen: screens.waiting({ messageKey, qrSvg: null }), t, send: newSend() } })
    expect(screen.getByRole('status')).toHaveTextContent(sv[messageKey])
  })

  it('after pickup shows no QR and "continue in the app"', async () => {
    const send = newSend()
    const { container } = render(Waiting, {
      props: { screen: screens.waiting({ qrSvg: null, messageKey: 'bankid.rfa9', secondsLeft: 59 }), t, send },
    })
    expect(container.querySelector('img')).toBeNull()
    expect(heading()).toHaveTextContent('Fortsätt i BankID-appen')
    expect(screen.getByRole('status')).toHaveTextContent(sv['bankid.rfa9'])
    expect(screen.getByText('Tid kvar: 0:59')).toBeInTheDocument()
    // The warning is about which QR to scan: gone with the QR.
    expect(screen.queryByText(sv['waiting.antiFraud'])).toBeNull()
    await expectSends(send, sv['app.cancel'], { type: 'cancel' })
  })

  it('updates the countdown and leaves out the number in QR mode', async () => {
    const view = render(Waiting, { props: { screen: screens.waiting({ maskedPersonnummer: null }), t, send: newSend() } })
    expect(view.container).not.toHaveTextContent('Inloggning för')
    await view.rerender({ screen: screens.waiting({ maskedPersonnummer: null, secondsLeft: 9 }) })
    expect(screen.getByText('Tid kvar: 0:09')).toBeInTheDocument()
  })
})

describe('LoggedIn', () => {
  it('greets by given name, says what happens next, shows the time left as a bar, and Klar sends done', async () => {
    const send = newSend()
    const view = render(LoggedIn, { props: { screen: screens.loggedIn({ givenName: 'Fatima', secondsLeft: 12, secondsTotal: 15 }), t, send } })
    expect(heading()).toHaveTextContent(sv['loggedIn.heading'])
    expect(screen.getByText('Välkommen, Fatima!')).toBeInTheDocument()
    expect(screen.getByText(sv['loggedIn.next'])).toBeInTheDocument()
    expect(screen.getByText('Skärmen stängs om 12 sekunder.')).toBeInTheDocument()
    const bar = screen.getByRole('progressbar', { name: 'Skärmen stängs om 12 sekunder.' })
    expect(bar).toHaveAttribute('max', '15')
    expect(bar).toHaveAttribute('value', '12')
    await view.rerender({ screen: screens.loggedIn({ givenName: 'Fatima', secondsLeft: 3, secondsTotal: 15 }) })
    expect(bar).toHaveAttribute('value', '3')
    await expectSends(send, sv['loggedIn.done'], { type: 'done' })
  })
})

describe('Failure', () => {
  const NO_RETRY: readonly FailureCause[] = ['blocked', 'risk-blocked', 'tls', 'handoff-failed']

  it.each(FAILURE_CAUSES)('%s: title, body, reference and the right actions', async (cause) => {
    const send = newSend()
    const { container } = render(Failure, { props: { screen: screens.failure({ cause, reference: 'X9-ABC1' }), t, send } })
    expect(heading()).toHaveTextContent(sv[`failure.${cause}.title` as MessageKey])
    expect(screen.getByText(sv[`failure.${cause}.body` as MessageKey])).toBeInTheDocument()
    expect(screen.getByText(sentence(`Referens för personalen: ${staffReference('X9-ABC1')}`))).toBeInTheDocument()
    expect(container).not.toHaveTextContent('X9-ABC1')

    const buttons = screen.getAllByRole('button').map((b) => b.textContent?.trim())
    if (cause === 'blocked') {
      expect(buttons).toEqual([sv['failure.blocked.action'], sv['app.toStart']])
      await expectSends(send, sv['failure.blocked.action'], { type: 'open-guide' })
    } else if (NO_RETRY.includes(cause)) {
      expect(buttons).toEqual([sv['app.toStart']])
      expect(screen.queryByRole('button', { name: sv['app.tryAgain'] })).toBeNull()
      expect(button(sv['app.toStart'])).toHaveClass('primary')
    } else {
      expect(buttons).toEqual([sv['app.tryAgain'], sv['app.toStart']])
      expect(button(sv['app.tryAgain'])).toHaveClass('primary')
      await expectSends(send, sv['app.tryAgain'], { type: 'retry' })
    }
    await expectSends(send, sv['app.toStart'], { type: 'cancel' })
    // No raw code or cause text leaks into what the parent reads, only the reference.
    expect(container).not.toHaveTextContent(`failure.${cause}`)
  })

  it('quotes BankID’s recommended message for the ending as BankID’s, above what to do; none when there is none', () => {
    const view = render(Failure, { props: { screen: screens.failure({ cause: 'cancelled-in-app', messageKey: 'bankid.rfa6' }), t, send: newSend() } })
    const quote = view.container.querySelector('figure.bankid-says') as HTMLElement
    expect(quote.querySelector('figcaption')).toHaveTextContent(sv['failure.fromBankId'])
    expect(quote.querySelector('p')).toHaveTextContent(sv['bankid.rfa6'])
    view.unmount()
    const none = render(Failure, { props: { screen: screens.failure({ cause: 'handoff-failed', messageKey: null }), t, send: newSend() } })
    expect(none.container.querySelector('figure.bankid-says')).toBeNull()
  })

  // The issue: parents read "Felkod för personalen: H-certificateErr". Now only the neutral reference.
  it.each([
    ['blocked', 'H-certificateErr'],
    ['cancelled-in-app', 'H-userCancel'],
    ['bankid-unavailable', 'B-503-maintenance'],
    ['handoff-failed', 'HO-HTTP-401'],
  ] as const)('%s with %s: the neutral reference in every language, never the code', (cause, code) => {
    for (const language of ['sv', 'en', 'ar', 'so', 'fi'] as const) {
      const catalogue = CATALOGUES[language]
      const view = render(Failure, { props: { screen: screens.failure({ cause, reference: code }), t: translator(catalogue), send: newSend() } })
      const reference = view.container.querySelector('p.reference') as HTMLElement
      const expected = catalogue['failure.reference'].replace('{reference}', staffReference(code))
      expect(reference.textContent, language).toBe(expected)
      expect(reference.querySelector('bdi')?.textContent, language).toMatch(/^[2-9B-DF-HJ-NP-TV-XZ]{4}$/)
      expect(view.container.textContent, language).not.toContain(code)
      // Nor the alarming part of it on its own ("certificateErr", "userCancel", "maintenance").
      expect(view.container.textContent?.toLowerCase(), language).not.toContain(code.split('-').at(-1)?.toLowerCase())
      expect(catalogue['failure.reference'], language).toContain('{reference}')
      view.unmount()
    }
  })
})

describe('Faq', () => {
  it('lists the questions as collapsed buttons that open one answer at a time', async () => {
    const send = newSend()
    render(Faq, { props: { banks: BANKS, t, send } })
    expect(heading()).toHaveTextContent(sv['faq.heading'])
    // One lookup for all buttons (getByRole per question is slow); every question must be one of them.
    const buttons = screen.getAllByRole('button')
    const questions = FAQ_QUESTIONS.map((id) => {
      const question = buttons.find((b) => b.textContent === sv[`faq.${id}.q` as MessageKey])
      expect(question, id).toBeDefined()
      return question as HTMLElement
    })
    for (const question of questions) {
      expect(question).toHaveAttribute('aria-expanded', 'false')
      const answer = document.getElementById(question.getAttribute('aria-controls') ?? '')
      expect(answer).not.toBeNull()
      expect(answer).not.toBeVisible()
    }

    const [first, second] = questions as [HTMLElement, HTMLElement]
    await user.click(first)
    expect(first).toHaveAttribute('aria-expanded', 'true')
    expect(screen.getByText(sv['faq.appEnough.a'])).toBeVisible()

    await user.click(second)
    expect(first).toHaveAttribute('aria-expanded', 'false')
    expect(second).toHaveAttribute('aria-expanded', 'true')
    expect(screen.getByText(sv['faq.appEnough.a'])).not.toBeVisible()
    expect(screen.getByText(sv['faq.howToGet.a'])).toBeVisible()

    await user.click(second)
    expect(second).toHaveAttribute('aria-expanded', 'false')
    expect(screen.getByText(sv['faq.howToGet.a'])).not.toBeVisible()
    expect(send).not.toHaveBeenCalled()
  })

  it('answers the seed’s “Glömt kod” with the locked code: the same answer, one question (the list fits the screen)', async () => {
    render(Faq, { props: { banks: BANKS, t, send: newSend() } })
    await user.click(button(sv['faq.locked.q']))
    expect(screen.getByText(sv['faq.locked.a'])).toBeVisible()
    expect(sv['faq.locked.q']).toMatch(/glömt/)
    expect(sv['faq.locked.a']).toContain('Spärra ditt BankID')
  })

  it('says "very little data", not the seed’s 2012 figure', () => {
    for (const language of ['sv', 'en', 'ar', 'so', 'fi'] as const) expect(CATALOGUES[language]['faq.data.a']).not.toMatch(/3\s*(kilo|kB|كيلو)/i)
  })

  it('names the banks in the banks answer', async () => {
    render(Faq, { props: { banks: ['Bank Ett', 'Bank Två'], t, send: newSend() } })
    await user.click(button(sv['faq.banks.q']))
    const answer = document.getElementById('faq-banks') as HTMLElement
    expect(answer).toBeVisible()
    expect(within(answer).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Bank Ett', 'Bank Två'])
  })

  it('goes back, or to the guide', async () => {
    const send = newSend()
    render(Faq, { props: { banks: BANKS, t, send } })
    await expectSends(send, sv['app.back'], { type: 'back' })
    await expectSends(send, sv['welcome.noBankId'], { type: 'open-guide' })
  })
})

describe('Guide', () => {
  it('shows the install QR, the banks, and goes back or to the FAQ', async () => {
    const send = newSend()
    const { container } = render(Guide, { props: { screen: screens.guide(), banks: ['Bank Ett', 'Bank Två'], t, send } })
    expect(heading()).toHaveTextContent(sv['guide.heading'])
    const qr = screen.getByRole('img', { name: sv['guide.step1.qrAlt'] })
    expect(qr.getAttribute('src')?.startsWith('data:image/svg+xml')).toBe(true)
    expect(container.querySelector('svg')).toBeNull()
    const banks = container.querySelector('ul.banks') as HTMLElement
    expect(within(banks).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Bank Ett', 'Bank Två'])
    for (const step of [1, 2, 3, 4]) {
      expect(screen.getByRole('heading', { level: 2, name: sv[`guide.step${step}.title` as MessageKey] })).toBeInTheDocument()
    }
    // For a parent who cannot log in to an internet bank: the branch, with a passport or ID card.
    expect(screen.getByText(sv['guide.step2.noInternetBank'])).toBeVisible()
    expect(sv['guide.step2.noInternetBank']).toMatch(/pass eller id-kort/)
    await expectSends(send, sv['app.back'], { type: 'back' })
    await expectSends(send, sv['welcome.faq'], { type: 'open-faq' })
  })
})

describe('OutOfService', () => {
  it('counts down to the next try', () => {
    render(OutOfService, { props: { screen: screens.outOfService({ secondsToRetry: 25 }), t } })
    expect(heading()).toHaveTextContent(sv['outOfService.heading'])
    // Not a live region: a countdown read aloud every second helps nobody.
    expect(screen.queryByRole('status')).toBeNull()
    expect(screen.getByText('Nytt försök om 25 sekunder.')).toBeInTheDocument()
    expect(screen.getByText(sv['outOfService.body'])).toBeInTheDocument()
    expect(screen.queryByText(sv['outOfService.needsStaff'])).toBeNull()
  })

  it('says it is retrying at 0', () => {
    render(OutOfService, { props: { screen: screens.outOfService({ secondsToRetry: 0 }), t } })
    expect(screen.getByText(sv['outOfService.retrying'])).toBeInTheDocument()
    expect(screen.queryByText(/Nytt försök om/)).toBeNull()
  })

  it('asks for staff, with no retry text, when only staff can help', () => {
    const { container } = render(OutOfService, { props: { screen: screens.outOfService({ secondsToRetry: null }), t } })
    expect(screen.getByText(sv['outOfService.needsStaff'])).toBeInTheDocument()
    expect(screen.queryByRole('status')).toBeNull()
    expect(container).not.toHaveTextContent('Nytt försök')
    expect(container).not.toHaveTextContent(sv['outOfService.retrying'])
    expect(container).not.toHaveTextContent(sv['outOfService.body'])
  })

  it('shows the neutral reference (not the code) and the staff message, and offers no buttons', () => {
    const { container } = render(OutOfService, {
      props: { screen: screens.outOfService({ reference: 'OOS-77', staffMessage: 'Settings file is invalid' }), t },
    })
    expect(screen.getByText(sentence(`Referens för personalen: ${staffReference('OOS-77')}`))).toBeInTheDocument()
    expect(container).not.toHaveTextContent('OOS-77')
    expect(screen.getByText('Settings file is invalid')).toBeInTheDocument()
    expect(screen.queryAllByRole('button')).toEqual([])
  })

  // Regression: the whole staff block used to be marked English, the translated line included.
  it('marks only the untranslated staff message as English', () => {
    render(OutOfService, { props: { screen: screens.outOfService({ reference: 'OOS-77' }), t } })
    expect(screen.getByText(sentence(`Referens för personalen: ${staffReference('OOS-77')}`)).closest('[lang]')?.getAttribute('lang')).not.toBe('en')
  })
})

describe('IdleOverlay', () => {
  it('is an alert dialog with the countdown, focuses its button, and sends still-here', async () => {
    const send = newSend()
    const view = render(IdleOverlay, { props: { secondsLeft: 30, t, send } })
    const dialog = screen.getByRole('alertdialog', { name: sv['idle.heading'] })
    expect(dialog).toHaveAttribute('aria-modal', 'true')
    expect(dialog).toHaveAccessibleDescription('Skärmen återställs om 30 sekunder.')
    const stay = within(dialog).getByRole('button', { name: sv['idle.stay'] })
    expect(stay).toHaveFocus()
    await view.rerender({ secondsLeft: 29 })
    expect(dialog).toHaveTextContent('Skärmen återställs om 29 sekunder.')
    await user.click(stay)
    expect(send).toHaveBeenCalledTimes(1)
    expect(send).toHaveBeenCalledWith({ type: 'still-here' })
  })
})

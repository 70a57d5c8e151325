// App.svelte as a view of main's snapshots, with a fake KioskApi standing in for the preload.
import { act, fireEvent, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Intent, KioskApi, Snapshot } from '../../src/shared/contract'
import App from '../../src/renderer/src/App.svelte'
import { CATALOGUES, LANGUAGE_NAMES } from '../../src/renderer/src/i18n'
import { contrastRatio } from '../../src/shared/theme'
import { SCHOOL, screens, snapshot } from './snapshots'

const sv = CATALOGUES.sv

function fakeApi() {
  let listener: ((snapshot: Snapshot) => void) | null = null
  const send = vi.fn<(intent: Intent) => void>()
  const unsubscribe = vi.fn(() => {
    listener = null
  })
  const api: KioskApi = {
    subscribe(next) {
      listener = next
      return unsubscribe
    },
    send,
  }
  /** Main sends a snapshot; resolves once the page shows it. */
  async function push(next: Snapshot): Promise<void> {
    if (!listener) throw new Error('App has not subscribed')
    const deliver = listener
    await act(() => deliver(next))
  }
  return { api, send, unsubscribe, push, subscribed: () => listener !== null }
}

function setup() {
  const kiosk = fakeApi()
  const view = render(App, { props: { api: kiosk.api } })
  return { ...kiosk, view }
}

const root = document.documentElement
const kioskRoot = () => document.querySelector('.kiosk') as HTMLElement
const main = () => document.querySelector('main') as HTMLElement
/** Svelte sets `inert` as a property; jsdom has no such property, so it does not show as an attribute. */
const isInert = (element: Element) => element.hasAttribute('inert') || (element as HTMLElement & { inert?: boolean }).inert === true
function insideInert(element: Element): boolean {
  for (let at: Element | null = element; at; at = at.parentElement) if (isInert(at)) return true
  return false
}
const intentsOf = (send: ReturnType<typeof vi.fn>) => send.mock.calls.map(([intent]) => intent as Intent)
const notActivity = (send: ReturnType<typeof vi.fn>) => intentsOf(send).filter((intent) => intent.type !== 'activity')

/** A fresh user for every test; no delay between keys, as nothing here is timed. */
let user: ReturnType<typeof userEvent.setup>

beforeEach(() => {
  user = userEvent.setup({ delay: null })
  root.lang = ''
  root.dir = ''
  root.removeAttribute('style')
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('App', () => {
  it('says "Startar…" until the first snapshot, then shows its screen', async () => {
    const k = setup()
    expect(screen.getByText('Startar…')).toBeInTheDocument()
    expect(kioskRoot()).toHaveAttribute('data-screen', 'connecting')
    expect(k.subscribed()).toBe(true)
    await k.push(snapshot())
    expect(screen.queryByText('Startar…')).toBeNull()
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(`Välkommen till ${SCHOOL}`)
    expect(kioskRoot()).toHaveAttribute('data-screen', 'welcome')
  })

  it('unsubscribes when it goes away', () => {
    const k = setup()
    k.view.unmount()
    expect(k.unsubscribe).toHaveBeenCalledTimes(1)
  })

  it('switches screens as snapshots arrive, and moves focus to the new heading', async () => {
    const k = setup()
    const cases: [Snapshot, string][] = [
      [snapshot(), `Välkommen till ${SCHOOL}`],
      [snapshot({ screen: screens.keypad() }), sv['keypad.heading']],
      [snapshot({ screen: screens.starting() }), sv['starting.heading']],
      [snapshot({ screen: screens.waiting() }), sv['waiting.heading']],
      [snapshot({ screen: screens.loggedIn() }), sv['loggedIn.heading']],
      [snapshot({ screen: screens.failure({ cause: 'network' }) }), sv['failure.network.title']],
      [snapshot({ screen: screens.faq() }), sv['faq.heading']],
      [snapshot({ screen: screens.guide() }), sv['guide.heading']],
      [snapshot({ screen: screens.outOfService() }), sv['outOfService.heading']],
    ]
    for (const [next, title] of cases) {
      await k.push(next)
      const heading = screen.getByRole('heading', { level: 1 })
      expect(heading).toHaveTextContent(title)
      expect(kioskRoot()).toHaveAttribute('data-screen', next.screen.name)
      await act()
      expect(heading).toHaveFocus()
    }
  })

  it("passes the screens' intents on to main", async () => {
    const k = setup()
    await k.push(snapshot())
    await user.click(screen.getByRole('button', { name: sv['welcome.start'] }))
    await k.push(snapshot({ screen: screens.failure({ cause: 'timeout' }) }))
    await user.click(screen.getByRole('button', { name: sv['app.tryAgain'] }))
    expect(notActivity(k.send)).toEqual([{ type: 'begin' }, { type: 'retry' }])
  })

  it('sets the page language, direction and title from the snapshot', async () => {
    const k = setup()
    await k.push(snapshot({ language: 'sv' }))
    expect(root.lang).toBe('sv')
    expect(root.dir).toBe('ltr')
    expect(document.title).toBe(sv['app.title'])
    // Other languages' catalogues are chunks of their own, fetched when needed (or ahead of time).
    await k.push(snapshot({ language: 'ar' }))
    await vi.waitFor(() => expect(root.lang).toBe('ar'))
    expect(root.dir).toBe('rtl')
    expect(document.title).toBe(CATALOGUES.ar['app.title'])
    await k.push(snapshot({ language: 'en' }))
    await vi.waitFor(() => expect(root.lang).toBe('en'))
    expect(root.dir).toBe('ltr')
    expect(screen.getByRole('button', { name: CATALOGUES.en['welcome.start'] })).toBeInTheDocument()
  })

  it('offers each language by its own name and sends set-language', async () => {
    const k = setup()
    await k.push(snapshot({ language: 'sv' }))
    const picker = screen.getByRole('navigation', { name: sv['app.languages'] })
    for (const language of ['sv', 'en', 'ar', 'so', 'fi'] as const) {
      const button = screen.getByRole('button', { name: LANGUAGE_NAMES[language] })
      expect(picker).toContainElement(button)
      expect(button).toHaveAttribute('lang', language)
      expect(button).toHaveAttribute('aria-pressed', String(language === 'sv'))
    }
    await user.click(screen.getByRole('button', { name: 'العربية' }))
    await user.click(screen.getByRole('button', { name: 'Suomi' }))
    expect(notActivity(k.send)).toEqual([
      { type: 'set-language', language: 'ar' },
      { type: 'set-language', language: 'fi' },
    ])
  })

  it('offers only the languages in the snapshot', async () => {
    const k = setup()
    await k.push(snapshot({ languages: ['sv', 'en'] }))
    expect(screen.getByRole('button', { name: 'English' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Suomi' })).toBeNull()
  })

  it('the low-reach toggle sends set-low-reach and the layout follows the snapshot', async () => {
    const k = setup()
    await k.push(snapshot({ lowReach: false }))
    expect(kioskRoot()).not.toHaveClass('low-reach')
    const toggle = screen.getByRole('button', { name: sv['app.lowReach'] })
    expect(toggle).toHaveAttribute('aria-pressed', 'false')
    await user.click(toggle)
    expect(notActivity(k.send)).toEqual([{ type: 'set-low-reach', on: true }])
    // Nothing changes until main says so.
    expect(kioskRoot()).not.toHaveClass('low-reach')

    await k.push(snapshot({ lowReach: true }))
    expect(kioskRoot()).toHaveClass('low-reach')
    // The label stays the same (a label that flips reads as the opposite of the state); aria-pressed says it is on.
    const on = screen.getByRole('button', { name: sv['app.lowReach'] })
    expect(on).toHaveAttribute('aria-pressed', 'true')
    k.send.mockClear()
    await user.click(on)
    expect(notActivity(k.send)).toEqual([{ type: 'set-low-reach', on: false }])
  })

  it('shows the idle overlay over an inert main while idleWarning is set', async () => {
    const k = setup()
    await k.push(snapshot({ screen: screens.keypad() }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(insideInert(main())).toBe(false)

    await k.push(snapshot({ screen: screens.keypad(), idleWarning: { secondsLeft: 20 } }))
    const dialog = screen.getByRole('alertdialog', { name: sv['idle.heading'] })
    expect(dialog).toHaveTextContent('Skärmen återställs om 20 sekunder.')
    expect(insideInert(main())).toBe(true)
    expect(main()).not.toContainElement(dialog)
    expect(insideInert(dialog)).toBe(false)
    expect(insideInert(screen.getByRole('button', { name: '1' }))).toBe(true)
    await act()
    expect(screen.getByRole('button', { name: sv['idle.stay'] })).toHaveFocus()
    k.send.mockClear()
    await user.click(screen.getByRole('button', { name: sv['idle.stay'] }))
    expect(notActivity(k.send)).toEqual([{ type: 'still-here' }])

    await k.push(snapshot({ screen: screens.keypad(), idleWarning: null }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(insideInert(main())).toBe(false)
  })

  // Regression: only <main> used to be inert behind the modal dialog, not the header.
  it('makes the language and reach controls inert too while the idle overlay is shown', async () => {
    const k = setup()
    await k.push(snapshot({ idleWarning: { secondsLeft: 20 } }))
    const toggle = screen.getByRole('button', { name: sv['app.lowReach'] })
    expect(insideInert(toggle)).toBe(true)
  })

  it("sets the school's colours as CSS variables, darkened when needed", async () => {
    const k = setup()
    await k.push(snapshot({ branding: { primaryColor: '#1f3a5f', accentColor: '#00AA55' } }))
    expect(root.style.getPropertyValue('--primary')).toBe('#1f3a5f')
    expect(root.style.getPropertyValue('--on-primary')).toBe('#ffffff')
    expect(root.style.getPropertyValue('--accent')).toBe('#00aa55')

    await k.push(snapshot({ branding: { primaryColor: '#ffd200', accentColor: '#ffd200' } }))
    const primary = root.style.getPropertyValue('--primary')
    expect(primary).not.toBe('#ffd200')
    expect(primary).toMatch(/^#[0-9a-f]{6}$/)
    expect(contrastRatio(primary, root.style.getPropertyValue('--on-primary'))).toBeGreaterThanOrEqual(7)
    expect(contrastRatio(primary, '#ffffff')).toBeGreaterThanOrEqual(7)
  })

  it('sends activity on a touch or key, at most once a second', async () => {
    const k = setup()
    await k.push(snapshot())
    let now = 1_000_000
    vi.spyOn(Date, 'now').mockImplementation(() => now)
    const activities = () => intentsOf(k.send).filter((intent) => intent.type === 'activity').length

    await fireEvent.pointerDown(document.body)
    expect(activities()).toBe(1)
    expect(k.send).toHaveBeenLastCalledWith({ type: 'activity' })
    now += 500
    await fireEvent.pointerDown(document.body)
    await fireEvent.keyDown(window, { key: 'a' })
    expect(activities()).toBe(1)
    now += 499
    await fireEvent.pointerDown(document.body)
    expect(activities()).toBe(1)
    now += 1
    await fireEvent.pointerDown(document.body)
    expect(activities()).toBe(2)
    now += 5_000
    await fireEvent.keyDown(window, { key: 'a' })
    expect(activities()).toBe(3)
  })

  describe('privacy', () => {
    it('leaves neither the given name nor the masked number in the page after a session', async () => {
      const k = setup()
      await k.push(snapshot({ screen: screens.waiting({ maskedPersonnummer: '19850515-••••' }) }))
      expect(document.body.innerHTML).toContain('19850515-••••')
      await k.push(snapshot({ screen: screens.loggedIn({ givenName: 'Zlatan' }) }))
      expect(document.body.innerHTML).toContain('Zlatan')
      await k.push(snapshot({ screen: screens.welcome() }))
      await act()
      const html = document.body.innerHTML
      expect(html).not.toContain('Zlatan')
      expect(html).not.toContain('19850515')
      expect(html).not.toContain('••••')
    })

    it('drops the typed digits when the keypad screen is left', async () => {
      const k = setup()
      await k.push(snapshot({ screen: screens.keypad() }))
      await user.keyboard('198505154677')
      expect(document.body.innerHTML).toContain('19850515-4677')
      await user.keyboard('{Enter}')
      expect(notActivity(k.send)).toEqual([{ type: 'start', personnummer: '198505154677' }])

      await k.push(snapshot({ screen: screens.starting({ maskedPersonnummer: '19850515-••••' }) }))
      expect(document.body.innerHTML).not.toContain('4677')
      await k.push(snapshot({ screen: screens.failure({ cause: 'cancelled-in-app' }) }))
      await k.push(snapshot({ screen: screens.welcome() }))
      await k.push(snapshot({ screen: screens.keypad() }))
      // A new keypad starts empty.
      expect(document.body.innerHTML).not.toContain('19850515')
      expect(document.querySelector('output .typed')?.textContent).toBe('')
    })

    it('drops the typed digits when the parent cancels from the keypad', async () => {
      const k = setup()
      await k.push(snapshot({ screen: screens.keypad() }))
      await user.keyboard('1985051546')
      await user.click(screen.getByRole('button', { name: sv['app.cancel'] }))
      expect(notActivity(k.send)).toEqual([{ type: 'cancel' }])
      await k.push(snapshot({ screen: screens.welcome() }))
      expect(document.body.innerHTML).not.toContain('19850515')
      expect(document.body.innerHTML).not.toContain('1985051546')
    })
  })
})

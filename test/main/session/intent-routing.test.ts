// Which intent means what on which screen: the session's routing table, as a pure function.
import { describe, expect, it } from 'vitest'
import type { Intent } from '../../../src/shared/contract'
import type { RoutingContext, ScreenName } from '../../../src/main/session/intent-routing'
import { routeIntent } from '../../../src/main/session/intent-routing'

const SCREENS: ScreenName[] = [
  'welcome', 'faq', 'guide', 'keypad', 'starting', 'waiting', 'logged-in', 'handing-off',
  'handoff-message', 'handoff-view', 'failure', 'out-of-service',
]
const on = (screen: ScreenName, mode: RoutingContext['mode'] = 'personnummer'): RoutingContext => ({ screen, mode, languages: ['sv', 'en'], retryNumber: false })
const allowedOn = (intent: Intent, mode: RoutingContext['mode'] = 'personnummer') =>
  SCREENS.filter((screen) => routeIntent(intent, on(screen, mode)).kind !== 'ignore')

describe('routeIntent', () => {
  it('each screen-changing intent only where the screen offers it', () => {
    expect(allowedOn({ type: 'begin' })).toEqual(['welcome'])
    expect(allowedOn({ type: 'start', personnummer: '199001011234' })).toEqual(['keypad'])
    expect(allowedOn({ type: 'start' }, 'qr')).toEqual(['welcome', 'failure'])
    expect(allowedOn({ type: 'open-faq' })).toEqual(['welcome', 'faq', 'guide', 'keypad', 'failure'])
    expect(allowedOn({ type: 'back' })).toEqual(['faq', 'guide', 'keypad'])
    expect(allowedOn({ type: 'retry' })).toEqual(['failure'])
    expect(allowedOn({ type: 'done' })).toEqual(['logged-in', 'handoff-message'])
    expect(allowedOn({ type: 'logout' })).toEqual(['handoff-view'])
  })

  it('cancel wherever there is something to cancel, never once logged in or out of service', () => {
    expect(allowedOn({ type: 'cancel' })).toEqual(['faq', 'guide', 'keypad', 'starting', 'waiting', 'failure'])
  })

  it('begin and retry go to the keypad, or straight to a QR in QR-only mode', () => {
    expect(routeIntent({ type: 'begin' }, on('welcome'))).toEqual({ kind: 'show', screen: { name: 'keypad', fault: null } })
    expect(routeIntent({ type: 'begin' }, on('welcome', 'qr'))).toEqual({ kind: 'start-qr' })
    expect(routeIntent({ type: 'retry' }, on('failure', 'qr'))).toEqual({ kind: 'start-qr' })
    expect(routeIntent({ type: 'start', personnummer: '199001011234' }, on('keypad'))).toEqual({ kind: 'start', typed: '199001011234' })
  })

  it('"Försök igen" starts again with the same number while main still holds it', () => {
    expect(routeIntent({ type: 'retry' }, { ...on('failure'), retryNumber: true })).toEqual({ kind: 'start-again' })
    expect(routeIntent({ type: 'retry' }, { ...on('keypad'), retryNumber: true })).toEqual({ kind: 'ignore' })
  })

  it('a language the administrator did not offer only refreshes; staff intents are not the session’s', () => {
    expect(routeIntent({ type: 'set-language', language: 'ar' }, on('welcome'))).toEqual({ kind: 'refresh' })
    expect(routeIntent({ type: 'set-language', language: 'en' }, on('waiting'))).toEqual({ kind: 'set-language', language: 'en' })
    expect(allowedOn({ type: 'staff-open' })).toEqual([])
    expect(allowedOn({ type: 'activity' })).toEqual(SCREENS)
  })
})

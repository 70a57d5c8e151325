// The snapshot the renderer sees, built from the session's screen state.
import { describe, expect, it } from 'vitest'
import { newAttempt } from '../../../src/main/session/bankid-order'
import { buildSnapshot, publicScreen, secondsUntil } from '../../../src/main/session/screen-state'
import { testSettings } from '../../support/session-harness'

const settings = testSettings()

describe('screen state', () => {
  it('shows the personnummer only masked, and times as whole seconds left', () => {
    const attempt = newAttempt(1, '199001011234', 0, settings.timing)
    expect(publicScreen({ name: 'starting' }, attempt, settings, 0)).toEqual({ name: 'starting', maskedPersonnummer: '19900101-••••' })
    const waiting = publicScreen({ name: 'waiting' }, attempt, settings, 1_500)
    expect(waiting).toMatchObject({ name: 'waiting', qrSvg: null, messageKey: 'bankid.rfa1', secondsLeft: 179 })
    expect(secondsUntil(900, 1_000)).toBe(0)
  })

  it('builds the snapshot with the idle warning', () => {
    const snapshot = buildSnapshot({
      sequence: 3,
      screen: { name: 'welcome' },
      attempt: null,
      warningDeadline: 20_000,
      language: 'sv',
      lowReach: false,
      settings,
      now: 1_000,
    })
    expect(snapshot).toMatchObject({ sequence: 3, screen: { name: 'welcome' }, idleWarning: { secondsLeft: 19 }, staff: null })
  })
})

// The parent's own choices, and the reset that gives the next parent the defaults.
import { describe, expect, it } from 'vitest'
import { ParentPreferences } from '../../../src/main/session/preferences'

describe('ParentPreferences', () => {
  it('starts with the administrator’s language and the normal layout', () => {
    expect(new ParentPreferences('fi')).toMatchObject({ language: 'fi', lowReach: false })
  })

  it('reset puts both back, and says whether anything changed', () => {
    const preferences = new ParentPreferences('sv')
    expect(preferences.reset()).toBe(false)
    preferences.language = 'ar'
    expect(preferences.reset()).toBe(true)
    preferences.lowReach = true
    expect(preferences.reset()).toBe(true)
    expect(preferences).toMatchObject({ language: 'sv', lowReach: false })
  })
})

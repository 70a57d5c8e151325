// @vitest-environment node
// The school's colours made safe: 7:1 for text on the primary colour and for the primary colour on white.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MIN_ACCENT_CONTRAST, MIN_CONTRAST, PAPER, brandingWarning, contrastRatio, themeFor } from '../../src/shared/theme'

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))

describe('contrastRatio', () => {
  it('gives the WCAG values for known pairs', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5)
    expect(contrastRatio('#1f3a5f', '#1f3a5f')).toBeCloseTo(1, 5)
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2)
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5)
  })

  it('does not depend on the order or the case', () => {
    expect(contrastRatio('#ffffff', '#767676')).toBe(contrastRatio('#767676', '#ffffff'))
    expect(contrastRatio('#FFD200', '#111111')).toBe(contrastRatio('#ffd200', '#111111'))
  })

  it('refuses what is not #rrggbb', () => {
    expect(() => contrastRatio('red', '#ffffff')).toThrow()
    expect(() => contrastRatio('#fff', '#ffffff')).toThrow()
  })
})

describe('themeFor', () => {
  it('keeps the default navy as it is, with white text', () => {
    expect(themeFor({ primaryColor: '#1f3a5f', accentColor: '#ffd200' })).toEqual({
      primary: '#1f3a5f',
      onPrimary: '#ffffff',
      accent: '#ffd200',
    })
  })

  it('falls back to the defaults for colours that are not #rrggbb, and lower-cases the rest', () => {
    expect(themeFor({ primaryColor: 'navy', accentColor: 'url(x)' })).toEqual({
      primary: '#1f3a5f',
      onPrimary: '#ffffff',
      accent: '#ffd200',
    })
    expect(themeFor({ primaryColor: '#0A2A0A', accentColor: '#FF00AA' })).toEqual({
      primary: '#0a2a0a',
      onPrimary: '#ffffff',
      accent: '#ff00aa',
    })
  })

  it('darkens a light primary colour until white text and primary-on-white both reach 7:1', () => {
    expect(contrastRatio('#ffd200', PAPER)).toBeLessThan(2)
    const theme = themeFor({ primaryColor: '#ffd200', accentColor: '#ffd200' })
    expect(theme.primary).not.toBe('#ffd200')
    expect(theme.onPrimary).toBe('#ffffff')
    expect(contrastRatio(theme.primary, theme.onPrimary)).toBeGreaterThanOrEqual(7)
    expect(contrastRatio(theme.primary, '#ffffff')).toBeGreaterThanOrEqual(7)
    // Still the same hue: darker in every channel, blue stays zero, red stays above green.
    const [r, g, b] = channels(theme.primary)
    expect(b).toBe(0)
    expect(r).toBeGreaterThan(g!)
    expect(r).toBeLessThan(0xff)
    // The accent is kept: yellow still stands out against the darkened primary.
    expect(theme.accent).toBe('#ffd200')
  })

  it('darkens a mid grey and keeps it grey', () => {
    const theme = themeFor({ primaryColor: '#808080', accentColor: '#ffd200' })
    const [r, g, b] = channels(theme.primary)
    expect(r).toBe(g)
    expect(g).toBe(b)
    expect(r).toBeLessThan(0x80)
    expect(theme.onPrimary).toBe('#ffffff')
    expect(contrastRatio(theme.primary, '#ffffff')).toBeGreaterThanOrEqual(7)
  })

  const hexColour = fc
    .integer({ min: 0, max: 0xffffff })
    .map((value) => `#${value.toString(16).padStart(6, '0')}`)

  it('always reaches 7:1 for text on primary and primary on white, for any #rrggbb', () => {
    fc.assert(
      fc.property(hexColour, hexColour, (primaryColor, accentColor) => {
        const theme = themeFor({ primaryColor, accentColor })
        expect(theme.primary).toMatch(/^#[0-9a-f]{6}$/)
        expect(contrastRatio(theme.primary, theme.onPrimary)).toBeGreaterThanOrEqual(MIN_CONTRAST)
        expect(contrastRatio(theme.primary, '#ffffff')).toBeGreaterThanOrEqual(MIN_CONTRAST)
        // The focus ring always shows on the header band; the school's accent is kept whenever it does.
        expect(contrastRatio(theme.accent, theme.primary)).toBeGreaterThanOrEqual(MIN_ACCENT_CONTRAST)
        if (contrastRatio(accentColor, theme.primary) >= MIN_ACCENT_CONTRAST) expect(theme.accent).toBe(accentColor)
        expect(brandingWarning({ primaryColor, accentColor }) === null).toBe(theme.accent === accentColor)
      }),
      { numRuns: 500 },
    )
  })

  it('never lightens a channel, and leaves a colour alone that already reaches 7:1 on white', () => {
    fc.assert(
      fc.property(hexColour, (primaryColor) => {
        const theme = themeFor({ primaryColor, accentColor: '#ffd200' })
        const before = channels(primaryColor)
        channels(theme.primary).forEach((channel, i) => expect(channel).toBeLessThanOrEqual(before[i]!))
        if (contrastRatio(primaryColor, '#ffffff') >= MIN_CONTRAST) expect(theme.primary).toBe(primaryColor)
      }),
      { numRuns: 500 },
    )
  })
})

describe('the accent against the header', () => {
  it('an accent equal to the primary colour is replaced by the default yellow, and staff are told why', () => {
    const branding = { primaryColor: '#1f3a5f', accentColor: '#1F3A5F' }
    expect(themeFor(branding).accent).toBe('#ffd200')
    expect(brandingWarning(branding)).toBe(
      'school.accentColor #1F3A5F has 1.0:1 against the header colour #1f3a5f (school.primaryColor, made readable); ' +
        'the focus ring needs 3:1, so the kiosk uses #ffd200 instead',
    )
  })

  it('no warning for the defaults or an accent that stands out', () => {
    expect(brandingWarning({ primaryColor: '#1f3a5f', accentColor: '#ffd200' })).toBeNull()
    expect(brandingWarning({ primaryColor: '#0a2a0a', accentColor: '#ff00aa' })).toBeNull()
  })
})

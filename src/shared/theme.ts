// The school's colours, made safe: text on the primary colour must reach 7:1 contrast (WCAG AAA),
// whatever the administrator picked. A colour that cannot reach it with white or near-black text
// is darkened until white text does. The accent draws the focus ring, on the primary colour too
// (the header band, primary buttons): below 3:1 against it (WCAG 1.4.11) the ring would vanish,
// so such an accent is replaced. Shared: the renderer paints with it, main warns at start.

const HEX = /^#([0-9a-f]{6})$/i
export const INK = '#111111'
export const PAPER = '#ffffff'
export const MIN_CONTRAST = 7
/** WCAG 1.4.11, non-text contrast: what a focus ring needs against what is next to it. */
export const MIN_ACCENT_CONTRAST = 3
export const DEFAULT_PRIMARY = '#1f3a5f'
export const DEFAULT_ACCENT = '#ffd200'

function channels(hex: string): [number, number, number] {
  const match = HEX.exec(hex)
  if (!match?.[1]) throw new Error(`not a #rrggbb colour: ${hex}`)
  const value = parseInt(match[1], 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((channel) => {
    const c = channel / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

export function contrastRatio(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (lighter + 0.05) / (darker + 0.05)
}

function darken(hex: string, factor: number): string {
  return `#${channels(hex)
    .map((channel) => Math.round(channel * factor).toString(16).padStart(2, '0'))
    .join('')}`
}

export interface Theme {
  /** Background of primary buttons and the header band; also text on white (secondary buttons). */
  primary: string
  /** Text on `primary`: white, at 7:1 or more (primary must reach 7:1 against white anyway). */
  onPrimary: string
  /** The accent, used for focus rings and highlights, never for text. */
  accent: string
}

export function themeFor(branding: { primaryColor: string; accentColor: string }): Theme {
  let primary = HEX.test(branding.primaryColor) ? branding.primaryColor.toLowerCase() : DEFAULT_PRIMARY
  const wanted = HEX.test(branding.accentColor) ? branding.accentColor.toLowerCase() : DEFAULT_ACCENT
  // Primary is text on white as well as the background of white text: darken it until both work.
  for (let factor = 0.9; contrastRatio(primary, PAPER) < MIN_CONTRAST; factor *= 0.9) primary = darken(primary, factor)
  return { primary, onPrimary: PAPER, accent: accentOn(primary, wanted) }
}

/**
 * The accent itself if its ring shows on the primary colour, else the default yellow. The yellow
 * always does: a primary at 7:1 against white has a luminance of at most 0.1, and the yellow's
 * 0.64 gives at least 4.6:1 against that.
 */
export function accentOn(primary: string, accent: string): string {
  return contrastRatio(accent, primary) >= MIN_ACCENT_CONTRAST ? accent : DEFAULT_ACCENT
}

/** For staff, at start: why the kiosk does not use the colours as written, or null. */
export function brandingWarning(branding: { primaryColor: string; accentColor: string }): string | null {
  const theme = themeFor(branding)
  if (theme.accent === branding.accentColor.toLowerCase()) return null
  const ratio = contrastRatio(branding.accentColor, theme.primary).toFixed(1)
  return (
    `school.accentColor ${branding.accentColor} has ${ratio}:1 against the header colour ${theme.primary} ` +
    `(school.primaryColor, made readable); the focus ring needs ${MIN_ACCENT_CONTRAST}:1, so the kiosk uses ${theme.accent} instead`
  )
}

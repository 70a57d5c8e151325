// The school's colours, made safe: text on the primary colour must reach 7:1 contrast (WCAG AAA),
// whatever the administrator picked. A colour that cannot reach it with white or near-black text
// is darkened until white text does.

const HEX = /^#([0-9a-f]{6})$/i
export const INK = '#111111'
export const PAPER = '#ffffff'
export const MIN_CONTRAST = 7

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
  let primary = HEX.test(branding.primaryColor) ? branding.primaryColor.toLowerCase() : '#1f3a5f'
  const accent = HEX.test(branding.accentColor) ? branding.accentColor.toLowerCase() : '#ffd200'
  // Primary is text on white as well as the background of white text: darken it until both work.
  for (let factor = 0.9; contrastRatio(primary, PAPER) < MIN_CONTRAST; factor *= 0.9) primary = darken(primary, factor)
  return { primary, onPrimary: PAPER, accent }
}

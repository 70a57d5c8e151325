// The languages the kiosk speaks. Each is offered by its own name, so a parent finds theirs
// without reading Swedish. The renderer holds one message catalogue per code.

export const LANGUAGES = ['sv', 'en', 'ar', 'so', 'fi'] as const
export type Language = (typeof LANGUAGES)[number]

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)

/** Right-to-left scripts: the layout mirrors for these. */
export const RTL_LANGUAGES: ReadonlySet<Language> = new Set(['ar'])

// Message catalogues: one per language, all with the Swedish catalogue's keys. Components never
// hold user-facing text; they ask for it by key.
import type { Language } from '../../../shared/languages'
import { RTL_LANGUAGES } from '../../../shared/languages'
import type { MessageKey } from './sv'

export type { MessageKey } from './sv'
export type Catalogue = Readonly<Record<MessageKey, string>>
export type Params = Readonly<Record<string, string | number>>

/** Each language by its own name, so a parent finds theirs without reading Swedish. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  sv: 'Svenska',
  en: 'English',
  ar: 'العربية',
  so: 'Soomaali',
  fi: 'Suomi',
}

/** Fills {name} placeholders; a placeholder without a value is left visible rather than hidden. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export function translator(catalogue: Catalogue): (key: MessageKey, params?: Params) => string {
  return (key, params) => format(catalogue[key], params)
}

export const directionOf = (language: Language): 'rtl' | 'ltr' => (RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr')

export type Translate = (key: MessageKey, params?: Params) => string

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

/**
 * Fills {name} placeholders, and chooses plural forms: `{count, plural, one {# siffra} other {# siffror}}`
 * picks the branch Intl.PluralRules gives for the number in `language` (Arabic has zero, one, two,
 * few, many and other; Swedish one and other), `=N` matching exactly N first, `#` being the number.
 * A placeholder without a value is left visible rather than hidden.
 */
export function format(template: string, params: Params = {}, language = 'sv'): string {
  let out = ''
  let at = 0
  while (at < template.length) {
    const open = template.indexOf('{', at)
    if (open === -1) break
    const close = matchingBrace(template, open)
    if (close === -1) break
    out += template.slice(at, open)
    out += placeholder(template.slice(open + 1, close), template.slice(open, close + 1), params, language)
    at = close + 1
  }
  return out + template.slice(at)
}

const PLURAL_HEAD = /^\s*(\w+)\s*,\s*plural\s*,/
const pluralRules = new Map<string, Intl.PluralRules>()

function placeholder(inner: string, whole: string, params: Params, language: string): string {
  const plural = PLURAL_HEAD.exec(inner)
  if (!plural) {
    const name = inner.trim()
    return /^\w+$/.test(name) && name in params ? String(params[name]) : whole
  }
  const name = plural[1] ?? ''
  const value = params[name]
  if (typeof value !== 'number') return whole
  const branches = pluralBranches(inner.slice(plural[0].length))
  const rules = pluralRules.get(language) ?? new Intl.PluralRules(language)
  pluralRules.set(language, rules)
  const chosen = branches.get(`=${value}`) ?? branches.get(rules.select(value)) ?? branches.get('other')
  return chosen === undefined ? whole : format(chosen.replaceAll('#', String(value)), params, language)
}

/** `one {…} other {…}` → category → text. */
export function pluralBranches(text: string): Map<string, string> {
  const branches = new Map<string, string>()
  const selector = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/y
  let at = 0
  while (at < text.length && text.slice(at).trim() !== '') {
    selector.lastIndex = at
    const match = selector.exec(text)
    if (!match) break
    const open = selector.lastIndex - 1
    const close = matchingBrace(text, open)
    if (close === -1) break
    branches.set(match[1] ?? '', text.slice(open + 1, close))
    at = close + 1
  }
  return branches
}

function matchingBrace(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return -1
}

export function translator(catalogue: Catalogue, language = 'sv'): (key: MessageKey, params?: Params) => string {
  return (key, params) => format(catalogue[key], params, language)
}

export const directionOf = (language: Language): 'rtl' | 'ltr' => (RTL_LANGUAGES.has(language) ? 'rtl' : 'ltr')

export type Translate = (key: MessageKey, params?: Params) => string

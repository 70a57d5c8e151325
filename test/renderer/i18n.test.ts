// Type-checked with the Node project (it reads the renderer sources from disk).
// Every catalogue has every key, with the same placeholders; every key is used somewhere.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BANKID_MESSAGE_KEYS } from '../../src/shared/bankid-messages'
import { FAILURE_CAUSES } from '../../src/shared/contract'
import { LANGUAGES } from '../../src/shared/languages'
import { FAQ_QUESTIONS } from '../../src/renderer/src/faq'
import { CATALOGUES, LANGUAGE_NAMES, format } from '../../src/renderer/src/i18n'
import { sv } from '../../src/renderer/src/i18n/sv'

const keys = Object.keys(sv).sort()
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'i18n' ? [] : sourcesUnder(path)
    return /\.(svelte|ts)$/.test(entry.name) ? [readFileSync(path, 'utf8')] : []
  })
}

describe('the catalogues', () => {
  it.each(LANGUAGES)('%s has exactly the Swedish keys, none empty, with the same placeholders', (language) => {
    const catalogue = CATALOGUES[language]
    expect(Object.keys(catalogue).sort()).toEqual(keys)
    for (const key of keys) {
      const text = catalogue[key as keyof typeof sv]
      expect(text.trim(), `${language} ${key}`).not.toBe('')
      expect(placeholders(text), `${language} ${key}`).toEqual(placeholders(sv[key as keyof typeof sv]))
    }
  })

  it.each(LANGUAGES.filter((language) => language !== 'sv' && language !== 'en'))(
    '%s is a translation, not a copy of the English',
    (language) => {
      const same = keys.filter((key) => CATALOGUES[language][key as keyof typeof sv] === CATALOGUES.en[key as keyof typeof sv])
      // Only formats and proper names may stay as they are.
      expect(same.filter((key) => key !== 'keypad.template')).toEqual([])
    },
  )

  it('names every language in itself', () => {
    expect(Object.keys(LANGUAGE_NAMES).sort()).toEqual([...LANGUAGES].sort())
  })

  it('every key is used: literally in a component, or through one of the families main chooses from', () => {
    const source = sourcesUnder('src/renderer/src').join('\n')
    const dynamic = new Set<string>([
      ...BANKID_MESSAGE_KEYS,
      ...FAILURE_CAUSES.flatMap((cause) => [`failure.${cause}.title`, `failure.${cause}.body`]),
      ...(['format', 'length', 'date', 'check-digit', 'future-date'] as const).map((fault) => `keypad.fault.${fault}`),
      ...FAQ_QUESTIONS.flatMap((id) => [`faq.${id}.q`, `faq.${id}.a`]),
    ])
    const unused = keys.filter((key) => !dynamic.has(key) && !source.includes(`'${key}'`))
    expect(unused).toEqual([])
    // …and the families only name keys that exist.
    expect([...dynamic].filter((key) => !(key in sv))).toEqual([])
  })
})

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Tid kvar: {time}', { time: '2:05' })).toBe('Tid kvar: 2:05')
    expect(format('{a} och {b}', { a: 1 })).toBe('1 och {b}')
  })
})

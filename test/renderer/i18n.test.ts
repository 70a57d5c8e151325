// Type-checked with the Node project (it reads the renderer sources from disk).
// Every catalogue has every key, with the same placeholders; every key is used somewhere.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BANKID_MESSAGE_KEYS } from '../../src/shared/bankid-messages'
import { FAILURE_CAUSES } from '../../src/shared/contract'
import { LANGUAGES } from '../../src/shared/languages'
import { FAQ_QUESTIONS } from '../../src/renderer/src/faq'
import { CATALOGUES, LANGUAGE_NAMES, format, pluralBranches } from '../../src/renderer/src/i18n'
import { sv } from '../../src/renderer/src/i18n/sv'

const keys = Object.keys(sv).sort()
/** The parameters a message uses: {name} and {name, plural, …}, each once. */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)(?:\}|\s*,\s*plural\s*,)/g)].map((match) => match[1]))].sort()
const PLURAL = /\{(\w+)\s*,\s*plural\s*,/

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

describe('plurals, through one mechanism (Intl.PluralRules)', () => {
  const pluralMessages = keys.filter((key) => PLURAL.test(sv[key as keyof typeof sv]))

  it('counts are plural messages in Swedish, not "{count} siffror"', () => {
    expect(pluralMessages).toEqual(
      expect.arrayContaining(['keypad.digitsLeft', 'loggedIn.closing', 'idle.body', 'outOfService.retry', 'staff.pin.wrong']),
    )
  })

  it.each(LANGUAGES)('%s: every plural message has exactly the categories its language needs', (language) => {
    const needed = [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort()
    for (const key of pluralMessages) {
      const text = CATALOGUES[language][key as keyof typeof sv]
      const head = PLURAL.exec(text)
      expect(head, `${language} ${key} is not a plural message`).not.toBeNull()
      const branches = pluralBranches(text.slice((head?.index ?? 0) + (head?.[0].length ?? 0)))
      expect([...branches.keys()].filter((category) => !category.startsWith('=')).sort(), `${language} ${key}`).toEqual(needed)
    }
  })

  it('Arabic has six forms, chosen by the number', () => {
    const closing = CATALOGUES.ar['loggedIn.closing']
    const say = (seconds: number) => format(closing, { seconds }, 'ar')
    expect(say(0)).toBe('تُغلق الشاشة الآن.')
    expect(say(1)).toBe('تُغلق الشاشة بعد ثانية واحدة.')
    expect(say(2)).toBe('تُغلق الشاشة بعد ثانيتين.')
    expect(say(3)).toBe('تُغلق الشاشة بعد 3 ثوانٍ.')
    expect(say(11)).toBe('تُغلق الشاشة بعد 11 ثانية.')
    expect(say(100)).toBe('تُغلق الشاشة بعد 100 ثانية.')
  })

  it('Swedish, English and Finnish singular and plural', () => {
    expect(format(sv['keypad.digitsLeft'], { count: 1 }, 'sv')).toBe('Skriv 1 siffra till.')
    expect(format(sv['keypad.digitsLeft'], { count: 4 }, 'sv')).toBe('Skriv 4 siffror till.')
    expect(format(CATALOGUES.en['idle.body'], { seconds: 1 }, 'en')).toBe('The screen resets in 1 second.')
    expect(format(CATALOGUES.en['idle.body'], { seconds: 30 }, 'en')).toBe('The screen resets in 30 seconds.')
    expect(format(CATALOGUES.fi['staff.pin.wrong'], { count: 1 }, 'fi')).toContain('1 yritys jäljellä')
    expect(format(CATALOGUES.fi['staff.pin.wrong'], { count: 3 }, 'fi')).toContain('3 yritystä jäljellä')
  })
})

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Tid kvar: {time}', { time: '2:05' })).toBe('Tid kvar: 2:05')
    expect(format('{a} och {b}', { a: 1 })).toBe('1 och {b}')
  })

  it('chooses a plural branch: =N first, then the language’s category, then other; # is the number', () => {
    const template = 'Om {n, plural, =0 {ingen tid} one {# sekund} other {# sekunder}} ({who})'
    expect(format(template, { n: 0, who: 'du' }, 'sv')).toBe('Om ingen tid (du)')
    expect(format(template, { n: 1, who: 'du' }, 'sv')).toBe('Om 1 sekund (du)')
    expect(format(template, { n: 7, who: 'du' }, 'sv')).toBe('Om 7 sekunder (du)')
    // Without a number the message stays visible as it is, rather than guessing.
    expect(format('{n, plural, one {#} other {#}}', {}, 'sv')).toBe('{n, plural, one {#} other {#}}')
  })
})

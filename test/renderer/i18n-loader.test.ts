import { describe, expect, it } from 'vitest'
import { CATALOGUES } from '../../src/renderer/src/i18n'
import { CatalogueCache } from '../../src/renderer/src/i18n/loader'
import { LANGUAGES } from '../../src/shared/languages'

describe('CatalogueCache', () => {
  it('has Swedish at once and nothing else until it is loaded', () => {
    const cache = new CatalogueCache()
    expect(cache.get('sv')).toBe(CATALOGUES.sv)
    for (const language of LANGUAGES.filter((language) => language !== 'sv')) expect(cache.get(language)).toBeNull()
  })

  it.each(LANGUAGES)('loads the %s catalogue, the same one the tests know, and keeps it', async (language) => {
    const cache = new CatalogueCache()
    const loaded = await cache.load(language)
    expect(loaded).toEqual(CATALOGUES[language])
    expect(cache.get(language)).toBe(loaded)
  })

  it('fetches a language once however often it is asked for at the same time', async () => {
    const cache = new CatalogueCache()
    const first = cache.load('ar')
    expect(cache.load('ar')).toBe(first)
    await first
    expect(await cache.load('ar')).toBe(await first)
  })
})

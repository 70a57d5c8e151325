// The catalogues as the page loads them: Swedish (the kiosk's own language, and what is shown
// until another has arrived) in the first bundle, every other language a chunk of its own, fetched
// when first needed and, once the first screen is up, ahead of time, so that a parent's tap on a
// language switches at once. Tests and tools that want every catalogue use ./index.ts.
import type { Language } from '../../../shared/languages'
import type { Catalogue } from './catalogue'
import { sv } from './sv'

const IMPORTS: Readonly<Record<Exclude<Language, 'sv'>, () => Promise<Catalogue>>> = {
  en: () => import('./en').then((module) => module.en),
  ar: () => import('./ar').then((module) => module.ar),
  so: () => import('./so').then((module) => module.so),
  fi: () => import('./fi').then((module) => module.fi),
}

export class CatalogueCache {
  readonly #loaded = new Map<Language, Catalogue>([['sv', sv]])
  readonly #loading = new Map<Language, Promise<Catalogue>>()

  /** The catalogue if it is here already, else null (and `load` fetches it). */
  get(language: Language): Catalogue | null {
    return this.#loaded.get(language) ?? null
  }

  load(language: Language): Promise<Catalogue> {
    const loaded = this.#loaded.get(language)
    if (loaded) return Promise.resolve(loaded)
    let loading = this.#loading.get(language)
    if (!loading) {
      loading = IMPORTS[language as Exclude<Language, 'sv'>]().then((catalogue) => {
        this.#loaded.set(language, catalogue)
        return catalogue
      })
      // A failed fetch (it is a local file, so hardly ever) may be tried again on the next tap.
      loading.catch(() => this.#loading.delete(language))
      this.#loading.set(language, loading)
    }
    return loading
  }
}

// What the parent chose for themselves: the language and the low-reach layout. The next parent
// starts with the administrator's language and the normal layout.
import type { Language } from '../../shared/languages'

export class ParentPreferences {
  readonly #defaultLanguage: Language
  language: Language
  lowReach = false

  constructor(defaultLanguage: Language) {
    this.#defaultLanguage = defaultLanguage
    this.language = defaultLanguage
  }

  /** Back to the defaults; true if that changed anything. */
  reset(): boolean {
    const changed = this.language !== this.#defaultLanguage || this.lowReach
    this.language = this.#defaultLanguage
    this.lowReach = false
    return changed
  }
}

import type { Language } from '../../../shared/languages'
import { ar } from './ar'
import type { Catalogue } from './catalogue'
import { en } from './en'
import { fi } from './fi'
import { so } from './so'
import { sv } from './sv'

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { sv, en, ar, so, fi }
export { LANGUAGE_NAMES, directionOf, format, pluralBranches, translator } from './catalogue'
export type { Catalogue, MessageKey, Params, Translate } from './catalogue'

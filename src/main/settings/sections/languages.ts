// languages: the languages parents can use the kiosk in.
import { z } from 'zod'
import { LANGUAGES } from '../../../shared/languages'
import { sectionDocs, settingRules } from '../documented'
import { noDuplicates, oneOf, quotedList, section } from './fields'

const language = oneOf(LANGUAGES)
export const languages = section({
  available: z
    .array(language, { error: `must be a list of languages, from ${quotedList(LANGUAGES)}` })
    .min(1, { error: `must list at least one of the languages ${quotedList(LANGUAGES, 'and')}` })
    .superRefine(noDuplicates)
    .default(() => [...LANGUAGES])
    .meta({
      description:
        'The languages parents can choose on the kiosk: `"sv"` Swedish, `"en"` English, `"ar"` Arabic, `"so"` Somali ' +
        'and `"fi"` Finnish. Each is offered by its own name. List each language once; remove those your families do ' +
        'not need.',
    })
    .register(settingRules, {
      rules: [
        {
          kind: 'check',
          text: 'Each language at most once.',
          probes: [{ languages: { available: ['sv', 'en', 'sv'] } }],
        },
      ],
    }),
  default: language.optional().meta({
    description:
      'The language the kiosk starts in, and returns to after each parent. It must be one of ' +
      '`languages.available`. Left out, it is Swedish when Swedish is offered, otherwise the first language listed.',
    examples: ['sv'],
  }).register(settingRules, {
    rules: [
      {
        kind: 'check',
        text: 'Must be one of the languages in `languages.available`.',
        probes: [{ languages: { available: ['en', 'ar'], default: 'sv' } }],
      },
    ],
  }),
})
  .superRefine((settings, ctx) => {
    if (settings.default !== undefined && !settings.available.includes(settings.default)) {
      const listed = settings.available.map((code) => `"${code}"`).join(', ')
      const message = `must be one of the languages in "languages.available" (${listed})`
      ctx.addIssue({ code: 'custom', path: ['default'], message })
    }
  })
  .register(sectionDocs, {
    title: 'the languages offered',
    intro:
      'The languages parents can use the kiosk in. Every screen, the guide and the questions and answers exist in ' +
      'all five; Arabic is shown right to left. A parent\'s choice lasts until the kiosk resets for the next parent.',
  })
  // Left out, the default is Swedish when Swedish is offered, otherwise the first language listed.
  .transform((settings) => ({
    available: settings.available,
    default: settings.default ?? (settings.available.includes('sv') ? 'sv' : (settings.available[0] ?? 'sv')),
  }))

// The administrator's settings file, as a zod schema, composed here from one module per section
// (sections/*.ts). Every object is strict (a misspelt key is an error, never silently ignored) and
// every field has a default, so `{}` is a complete configuration: the built-in simulator. Each
// field carries its own admin-facing phrase ("must be a whole number from 1 to 60"), because zod's
// default texts describe one failed check, not what is allowed; messages.ts turns the first issue
// into the one sentence the out-of-service screen shows. Everything docs/settings.md says about a
// setting lives where it is declared: its description (`.meta({ description })`, outermost), and
// its section's introduction and any further rules (the registries in documented.ts).
// documentation.ts builds the page from them, and a test fails when a setting has no description
// or the page is out of date (npm run docs:settings). The settings import no feature: the features
// read them (eslint.config.js enforces it).
import { z } from 'zod'
import { bankid } from './sections/bankid'
import { DEFAULT_BANKS, banks, school } from './sections/branding'
import { SECTION_PHRASE } from './sections/fields'
import { checkHandoffDemo, handoff } from './sections/handoff'
import { health } from './sections/health'
import { languages } from './sections/languages'
import { logging, updates } from './sections/logging'
import { staff } from './sections/staff'
import { flow, timing } from './sections/timing'

// Each section is declared in its own module; what they export is the settings' public vocabulary.
export * from './sections/fields'
export * from './sections/bankid'
export * from './sections/timing'
export * from './sections/languages'
export * from './sections/branding'
export * from './sections/logging'
export * from './sections/handoff'
export * from './sections/staff'
export * from './sections/health'

// prefault({}), not default({}): the empty section is parsed, so its fields' own defaults apply.
export const settingsSchema = z.strictObject(
  {
    bankid: bankid.prefault({}),
    flow: flow.prefault({}),
    timing: timing.prefault({}),
    languages: languages.prefault({}),
    school: school.prefault({}),
    banks: banks
      .default(() => [...DEFAULT_BANKS])
      .meta({
        description:
          'The banks named in the guide "Getting Mobilt BankID", which tells parents without BankID where to get it, ' +
          'and in the FAQ, in the order shown. The default is the banks that public pages (read in December 2026) ' +
          'name as issuing Mobilt BankID; it is not BankID\'s complete list, and the guide tells parents that most ' +
          'banks in Sweden issue it. Change the list if your guide should name other banks; list each bank once.',
      }),
    logging: logging.prefault({}),
    updates: updates.prefault({}),
    handoff: handoff.prefault({}),
    staff: staff.prefault({}),
    health: health.prefault({}),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : SECTION_PHRASE) },
).superRefine((settings, ctx) => {
  // Only a gateway can hand a login off for the kiosk; BankID itself never does.
  if (settings.handoff.auth === 'gateway' && settings.bankid.environment !== 'custom') {
    ctx.addIssue({
      code: 'custom',
      path: ['handoff', 'auth'],
      message: `can be "gateway" only when "bankid.environment" is "custom", not "${settings.bankid.environment}"`,
    })
  }
  checkHandoffDemo(settings, ctx)
})
export type KioskSettings = z.output<typeof settingsSchema>

/** The zero-configuration kiosk: the simulator, Swedish first, every timing as BankID recommends. */
export const DEFAULT_SETTINGS: KioskSettings = settingsSchema.parse({})

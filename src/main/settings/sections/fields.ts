// The field builders every section uses: each carries the admin-facing phrase for its failure
// ("must be a whole number from 1 to 60"), because zod's default texts describe one failed check,
// not what is allowed.
import { z } from 'zod'
import { echo } from '../messages'

/** "a", "b" or "c" */
export const quotedList = (values: readonly string[], last = 'or'): string => {
  const quoted = values.map((value) => `"${value}"`)
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${last} ${quoted.at(-1)}`
}

export const SECTION_PHRASE = 'must be a group of settings in { }'

/** An object whose misspelt keys are errors; messages.ts words those itself (with a did-you-mean). */
export const section = <Shape extends z.ZodRawShape>(shape: Shape, phrase = SECTION_PHRASE) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : phrase) })

/** Counts and whole seconds: a fraction of a second would be a typo, not a wish. */
export const wholeNumber = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

export const decimalNumber = (min: number, max: number) => {
  const error = `must be a number from ${min} to ${max}`
  return z.number({ error }).min(min, { error }).max(max, { error })
}

export const text = (min: number, max: number, what = 'text') => {
  const error = `must be ${what} of ${min} to ${max} characters`
  return z
    .string({ error })
    .min(min, { error })
    .max(max, { error })
    .refine((value) => value.trim() !== '', { error: 'must not be blank' })
}

export const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, { error: `must be one of ${quotedList(values)}` })

export const filePath = (what: 'file' | 'folder') => {
  const error = `must be the path of a ${what}`
  return z.string({ error }).refine((value) => value.trim() !== '', { error })
}

export const colour = (example: string) => {
  const error = `must be a colour written as #rrggbb, like "${example}"`
  return z.string({ error }).regex(/^#[0-9a-fA-F]{6}$/, { error })
}

/** Lists in which an entry twice is certainly a mistake (compared ignoring case and spaces). */
export const noDuplicates = (values: readonly string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>()
  for (const value of values) {
    const normalised = value.trim().toLowerCase()
    if (seen.has(normalised)) {
      ctx.addIssue({ code: 'custom', message: `lists ${echo(value)} twice` })
      return
    }
    seen.add(normalised)
  }
}

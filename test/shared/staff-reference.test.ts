import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { STAFF_REFERENCE_ALPHABET, STAFF_REFERENCE_LENGTH, staffReference } from '../../src/shared/staff-reference'
import { faultMatrixReferences, knownReferences } from '../support/known-references'

const SHAPE = new RegExp(`^[${STAFF_REFERENCE_ALPHABET}]{${STAFF_REFERENCE_LENGTH}}$`)

/** Whether the reference repeats three or more characters in a row of the code (case aside). */
function sharesRun(reference: string, code: string): boolean {
  const upper = code.toUpperCase()
  for (let i = 0; i + 3 <= reference.length; i++) if (upper.includes(reference.slice(i, i + 3))) return true
  return false
}

describe('staffReference', () => {
  it('is four characters from the alphabet: digits 2–9 and consonants, no 0, 1, O, I or vowel', () => {
    expect(STAFF_REFERENCE_ALPHABET).toHaveLength(28)
    expect(new Set(STAFF_REFERENCE_ALPHABET).size).toBe(28)
    expect(STAFF_REFERENCE_ALPHABET).not.toMatch(/[01AEIOUY]/)
    for (const code of knownReferences()) expect(staffReference(code), code).toMatch(SHAPE)
  })

  it('is deterministic: fixed values staff may have written down stay the same', () => {
    // Changing these changes what staff look up: the docs, the staff screen and old notes.
    expect(staffReference('H-certificateErr')).toBe('77Q7')
    expect(staffReference('H-userCancel')).toBe('R258')
    expect(staffReference('H-expiredTransaction')).toBe('Q7P7')
    expect(staffReference('B-503-maintenance')).toBe('SDHH')
    expect(staffReference('H-certificateErr')).toBe(staffReference('H-certificateErr'))
  })

  it('never shows the code, nor any three characters of it in a row', () => {
    for (const code of knownReferences()) {
      const reference = staffReference(code)
      expect(code.toUpperCase(), code).not.toContain(reference)
      expect(sharesRun(reference, code), `${code} → ${reference}`).toBe(false)
    }
  })

  it('tells every known code apart, the fault matrices’ and the rest', () => {
    const matrix = faultMatrixReferences()
    expect(matrix.length).toBeGreaterThan(15)
    for (const codes of [matrix, knownReferences()]) {
      const references = codes.map(staffReference)
      const seen = new Map<string, string>()
      for (const [i, reference] of references.entries()) {
        expect(seen.get(reference), `${codes[i]} and ${seen.get(reference)} both give ${reference}`).toBeUndefined()
        seen.set(reference, codes[i] as string)
      }
    }
  })

  it('changes with small changes of the code', () => {
    expect(staffReference('H-cancelled')).not.toBe(staffReference('H-Cancelled'))
    expect(staffReference('B-400-alreadyInProgress')).not.toBe(staffReference('B-409-alreadyInProgress'))
    expect(staffReference('HO-HTTP-401')).not.toBe(staffReference('HO-HTTP-409'))
  })

  it('property: any text gives four characters of the alphabet, the same every time, sharing no run with it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 12, unit: 'grapheme' })), (code) => {
        const reference = staffReference(code)
        return SHAPE.test(reference) && staffReference(code) === reference && !sharesRun(reference, code)
      }),
      { numRuns: 1_000 },
    )
  })

  it('property: codes in the kiosk’s shape are spread evenly (no reference taken by many codes)', () => {
    const codes = fc.sample(fc.stringMatching(/^[A-Z]{1,3}-[A-Za-z0-9_]{1,20}$/), { numRuns: 5_000, seed: 42 })
    const counts = new Map<string, number>()
    for (const code of new Set(codes)) counts.set(staffReference(code), (counts.get(staffReference(code)) ?? 0) + 1)
    // 28^4 = 614 656 references: among 5 000 codes, a few pairs may collide, never a crowd.
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2)
  })
})

describe('the look-up table in docs/deployment.md', () => {
  it('gives each code its reference', () => {
    const page = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8')
    const rows = [...page.matchAll(/^\| `([2-9B-DF-HJ-NP-TV-XZ]{4})` \| `([A-Z]{1,3}-[A-Za-z0-9_-]+)` \|/gm)]
    expect(rows.length).toBeGreaterThanOrEqual(10)
    for (const [, reference, code] of rows) expect(staffReference(code as string), code).toBe(reference)
  })
})

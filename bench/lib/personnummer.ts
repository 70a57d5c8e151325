// Fresh, valid 12-digit personnummer for the benchmark's orders: the simulator refuses (and
// cancels) a second order for a number that has one pending, so every run gets its own number.
import { parsePersonnummer, todayOf } from '../../src/shared/personnummer'

export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0
  for (let i = 0; i < nineDigits.length; i++) {
    const product = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1)
    sum += product > 9 ? product - 9 : product
  }
  return (10 - (sum % 10)) % 10
}

const pad = (value: number, width: number) => String(value).padStart(width, '0')

/** Numbers for adults born 1950–1999 on days 1–28, each different from the ones before it. */
export function personnummerSource(seed = Date.now()): () => string {
  let state = seed >>> 0 || 1
  const random = (n: number) => {
    // xorshift32: reproducible from the seed, and good enough to pick dates and serials.
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % n
  }
  const used = new Set<string>()
  const today = todayOf(new Date())
  return () => {
    for (;;) {
      const year = 1950 + random(50)
      const date = `${pad(year, 4)}${pad(1 + random(12), 2)}${pad(1 + random(28), 2)}`
      const nine = `${date.slice(2)}${pad(random(1000), 3)}`
      const number = `${date.slice(0, 2)}${nine}${luhnCheckDigit(nine)}`
      if (used.has(number)) continue
      const parsed = parsePersonnummer(number, today)
      if (!parsed.ok) throw new Error(`generated an invalid personnummer (${parsed.error.kind})`)
      used.add(number)
      return number
    }
  }
}

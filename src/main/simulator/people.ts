// The people the simulated BankID app can be: a few fixed test identities, plus anyone an order
// names in requirement.personalNumber. Their security codes and lock state live here, per person,
// because a locked security code locks that person's BankID for every later order too.

export interface SimulatedPerson {
  personalNumber: string
  givenName: string
  surname: string
  securityCode: string
}

/** The seed's rule: after four wrong codes in a row the security code is locked for good. */
export const WRONG_CODES_BEFORE_BLOCK = 4
export const DEFAULT_SECURITY_CODE = '123456'

// Fictional people with valid test personnummer (Luhn-correct, born long enough ago).
const BUILT_IN: readonly SimulatedPerson[] = [
  { personalNumber: '199001012385', givenName: 'Anna', surname: 'Andersson', securityCode: DEFAULT_SECURITY_CODE },
  { personalNumber: '198505152382', givenName: 'Mohammed', surname: 'Ali', securityCode: DEFAULT_SECURITY_CODE },
  { personalNumber: '197703072384', givenName: 'Sahra', surname: 'Yusuf', securityCode: DEFAULT_SECURITY_CODE },
]

export interface PersonView extends SimulatedPerson {
  blocked: boolean
  wrongCodesInARow: number
}

export class PeopleRegistry {
  readonly #people = new Map<string, SimulatedPerson>()
  readonly #wrongCodes = new Map<string, number>()
  readonly #blocked = new Set<string>()

  constructor() {
    this.reset()
  }

  reset(): void {
    this.#people.clear()
    this.#wrongCodes.clear()
    this.#blocked.clear()
    for (const person of BUILT_IN) this.#people.set(person.personalNumber, { ...person })
  }

  /** Adds or replaces a person (tests use this to know exactly which name BankID will return). */
  upsert(person: SimulatedPerson): void {
    this.#people.set(person.personalNumber, { ...person })
  }

  /** The person with this number; someone the simulator has not met gets a neutral test name. */
  get(personalNumber: string): SimulatedPerson {
    const known = this.#people.get(personalNumber)
    if (known) return known
    const person = { personalNumber, givenName: 'Test', surname: 'Testsson', securityCode: DEFAULT_SECURITY_CODE }
    this.#people.set(personalNumber, person)
    return person
  }

  defaultPerson(): SimulatedPerson {
    const [first] = this.#people.values()
    if (!first) throw new Error('the simulator has no people')
    return first
  }

  isBlocked(personalNumber: string): boolean {
    return this.#blocked.has(personalNumber)
  }

  /** Checks a security code. A wrong one counts toward the lock; a right one resets the count. */
  checkCode(personalNumber: string, code: string): 'correct' | 'wrong' | 'blocked' {
    if (this.#blocked.has(personalNumber)) return 'blocked'
    if (this.get(personalNumber).securityCode === code) {
      this.#wrongCodes.delete(personalNumber)
      return 'correct'
    }
    const wrong = (this.#wrongCodes.get(personalNumber) ?? 0) + 1
    this.#wrongCodes.set(personalNumber, wrong)
    if (wrong >= WRONG_CODES_BEFORE_BLOCK) {
      this.#blocked.add(personalNumber)
      return 'blocked'
    }
    return 'wrong'
  }

  wrongCodesLeft(personalNumber: string): number {
    return WRONG_CODES_BEFORE_BLOCK - (this.#wrongCodes.get(personalNumber) ?? 0)
  }

  /** What a new BankID from the bank does: a fresh, unlocked security code. */
  unblock(personalNumber: string): void {
    this.#blocked.delete(personalNumber)
    this.#wrongCodes.delete(personalNumber)
  }

  list(): PersonView[] {
    return [...this.#people.values()].map((person) => ({
      ...person,
      blocked: this.#blocked.has(person.personalNumber),
      wrongCodesInARow: this.#wrongCodes.get(person.personalNumber) ?? 0,
    }))
  }
}

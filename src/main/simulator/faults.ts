// Fault injection: rules that make the simulator misbehave the ways BankID and networks do.
// A rule matches an endpoint (or all of them) and optionally one order, fires a number of times
// (or until removed), and is checked before the request is handled normally.
import { z } from 'zod'

export const FAULT_ENDPOINTS = ['auth', 'sign', 'collect', 'cancel', '*'] as const

export const faultSpecSchema = z.discriminatedUnion('kind', [
  /** 500 internalError, 503 maintenance, 408 requestTimeout as BankID sends them. */
  z.strictObject({ kind: z.enum(['internalError', 'maintenance', 'requestTimeout']) }),
  /** Answers normally, but only after a delay. */
  z.strictObject({ kind: z.literal('slow'), delayMs: z.number().int().min(0).max(600_000) }),
  /** Never answers; the connection stays open until the client gives up. */
  z.strictObject({ kind: z.literal('hang') }),
  /** Closes the connection without an answer. */
  z.strictObject({ kind: z.literal('drop') }),
  /** A 200 whose body is not valid JSON. */
  z.strictObject({ kind: z.literal('malformedJson') }),
  /** Collect answers with this hint code (one nobody knows, or one the simulator never reaches by
   *  itself such as `noClient` or `started`); `failed` also ends the order with it. */
  z.strictObject({
    kind: z.literal('hintCode'),
    hintCode: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
    status: z.enum(['pending', 'failed']),
  }),
  /** An error answer with any errorCode and status: an unknown code, or `unauthorized` (401). */
  z.strictObject({
    kind: z.literal('errorResponse'),
    errorCode: z.string().min(1).max(64),
    httpStatus: z.number().int().min(400).max(599),
  }),
])

export const faultRuleInputSchema = z.strictObject({
  fault: faultSpecSchema,
  endpoint: z.enum(FAULT_ENDPOINTS).default('*'),
  orderRef: z.string().min(1).optional(),
  /** How many matching requests it affects; omitted → until removed. */
  times: z.number().int().min(1).optional(),
})

export type FaultSpec = z.infer<typeof faultSpecSchema>
export type FaultRuleInput = z.input<typeof faultRuleInputSchema>
export type FaultEndpoint = Exclude<(typeof FAULT_ENDPOINTS)[number], '*'>

export interface FaultRule {
  id: number
  fault: FaultSpec
  endpoint: (typeof FAULT_ENDPOINTS)[number]
  orderRef?: string
  remaining: number | null
}

export class FaultTable {
  #rules: FaultRule[] = []
  #nextId = 1

  add(input: FaultRuleInput): FaultRule {
    const parsed = faultRuleInputSchema.parse(input)
    const rule: FaultRule = {
      id: this.#nextId++,
      fault: parsed.fault,
      endpoint: parsed.endpoint,
      ...(parsed.orderRef === undefined ? {} : { orderRef: parsed.orderRef }),
      remaining: parsed.times ?? null,
    }
    this.#rules.push(rule)
    return rule
  }

  /** The first rule that matches this request, used up by one if it is counted. */
  take(endpoint: FaultEndpoint, orderRef: string | undefined): FaultSpec | undefined {
    const rule = this.#rules.find(
      (candidate) =>
        (candidate.endpoint === '*' || candidate.endpoint === endpoint) &&
        (candidate.orderRef === undefined || candidate.orderRef === orderRef) &&
        // A hint code only means something in a collect answer for an order.
        (candidate.fault.kind !== 'hintCode' || (endpoint === 'collect' && orderRef !== undefined)),
    )
    if (!rule) return undefined
    if (rule.remaining !== null && --rule.remaining === 0) this.remove(rule.id)
    return rule.fault
  }

  remove(id: number): boolean {
    const before = this.#rules.length
    this.#rules = this.#rules.filter((rule) => rule.id !== id)
    return this.#rules.length !== before
  }

  list(): FaultRule[] {
    return this.#rules.map((rule) => ({ ...rule }))
  }

  clear(): void {
    this.#rules = []
  }
}

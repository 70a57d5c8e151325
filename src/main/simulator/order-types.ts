// The simulator's order vocabulary: what an RP asks for, what an order is, and what the book
// answers. order-book.ts re-exports the public part.
import type { ProofInput, SignedProof } from './bankid-proof'
import type { SimulatedPerson } from './people'

/** Signs a completed order's proof (SimulatorProofSigner.prove): the signature and the OCSP response. */
export type ProveCompletion = (input: ProofInput) => SignedProof

export type OrderType = 'auth' | 'sign'
export type Stage = 'awaiting-pickup' | 'awaiting-mrtd' | 'awaiting-code' | 'ended'

export interface OrderRequirement {
  personalNumber?: string
  mrtd?: boolean
  pinCode?: boolean
}

export interface NewOrder {
  type: OrderType
  /** Identifies the RP certificate: only the same RP may collect or cancel the order. */
  clientId: string
  endUserIp: string
  requirement: OrderRequirement
  userVisibleData?: string | undefined
  userNonVisibleData?: string | undefined
  returnRisk: boolean
}

export type Outcome =
  | { status: 'failed'; hintCode: string }
  | { status: 'complete'; completionData: Record<string, unknown> }

/** An order as the book holds it (never handed out: views are). */
export interface Order extends NewOrder {
  orderRef: string
  autoStartToken: string
  qrStartToken: string
  qrStartSecret: string
  createdAt: number
  stage: Stage
  person?: SimulatedPerson
  pickedUpAt?: number
  outcome?: Outcome
  endedAt?: number
}

export type CollectAnswer =
  | { orderRef: string; status: 'pending'; hintCode: string }
  | { orderRef: string; status: 'failed'; hintCode: string }
  | { orderRef: string; status: 'complete'; completionData: Record<string, unknown> }

export type BookError = { errorCode: 'alreadyInProgress' | 'invalidParameters'; details: string }
export type BookResult<T> = { ok: true; value: T } | { ok: false; error: BookError }

/** What the simulated app shows: no secrets, no QR tokens. */
export interface OrderView {
  orderRef: string
  type: OrderType
  ageSeconds: number
  stage: Stage
  hintCode: string | null
  status: 'pending' | 'failed' | 'complete'
  requiredPersonalNumber: string | null
  personalNumber: string | null
  userVisibleText: string | null
  mrtd: boolean
  /** What the RP sent as the end user's address (a gateway sets it for its kiosks). */
  endUserIp: string
}

export type ScanResult = BookResult<{ orderRef: string }> | { ok: false; error: { errorCode: 'scanRejected'; details: string } }

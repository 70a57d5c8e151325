// What the kiosk tells the school's service after a completed BankID login (product.md §5): the
// person BankID identified, BankID's own proof of it (signature and OCSP response, for a service
// that must verify them: README "Hand-off"), which BankID environment, which kiosk, when, and a
// one-time nonce. One JSON object,
// serialized once: the bytes signed are the bytes sent, on every try.
import { randomBytes } from 'node:crypto'
import type { CompletionData } from '../bankid/api-types'
import type { BankIdEnvironment } from '../bankid/environments'

/** The protocol's version, in every body: a receiver refuses versions it does not know. */
export const HANDOFF_PROTOCOL_VERSION = 1

/** What the session hands over: BankID's answer, nothing else. */
export interface HandoffCompletion {
  orderRef: string
  completionData: CompletionData
  /** What the gateway answered for a login it handed off itself (handoff.auth "gateway"); unchecked. */
  gatewayAnswer?: unknown
}

/** The request body. Field order is fixed here, and with it the bytes. */
export interface HandoffPayload {
  version: typeof HANDOFF_PROTOCOL_VERSION
  /** handoff.kioskId, or the computer's name. */
  kioskId: string
  /**
   * Which BankID the login came from (bankid.environment; the gateway's own for its hand-offs). A
   * receiver refuses what it does not accept: test BankIDs exist for any personnummer, and the
   * simulator's for anyone at all. "custom" is a gateway's endpoint: its signatures' root decides.
   */
  environment: BankIdEnvironment
  /** When the kiosk received BankID's "complete", ISO 8601 in UTC. */
  completedAt: string
  /** 32 hex characters, fresh for each login; the same in the signature header (n=). */
  nonce: string
  orderRef: string
  /** 12 digits, ÅÅÅÅMMDDNNNN. */
  personnummer: string
  givenName: string
  surname: string
  name: string
  /** BankID's signature (base64 XML), as BankID sent it. */
  signature: string
  /** BankID's OCSP response (base64), as BankID sent it. */
  ocspResponse: string
}

/** A fresh nonce: 128 random bits as hex. */
export const newNonce = (): string => randomBytes(16).toString('hex')

export function buildPayload(
  completion: HandoffCompletion,
  context: { kioskId: string; environment: BankIdEnvironment; completedAt: Date; nonce: string },
): HandoffPayload {
  const { user, signature, ocspResponse } = completion.completionData
  return {
    version: HANDOFF_PROTOCOL_VERSION,
    kioskId: context.kioskId,
    environment: context.environment,
    completedAt: context.completedAt.toISOString(),
    nonce: context.nonce,
    orderRef: completion.orderRef,
    personnummer: user.personalNumber,
    givenName: user.givenName,
    surname: user.surname,
    name: user.name,
    signature,
    ocspResponse,
  }
}

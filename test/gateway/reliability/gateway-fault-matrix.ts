// The fault matrix's gateway rows (product.md §9): what a kiosk in gateway mode does when a gateway
// instance, the gateway's way to BankID, the kiosk's certificate or the TLS between kiosk and
// gateway goes wrong. Like test/main/reliability/fault-matrix.ts, one row is both a test
// (gateway-fault-matrix.test.ts) and a sentence in docs/reliability.md.
import type { FailureScreen, Stage } from '../../main/reliability/fault-matrix'

export type GatewayDisturbance =
  /** Two instances behind HAProxy (TCP, round robin); the one that served the last collect stops mid-order. */
  | 'instance-lost'
  /** The only gateway instance stops while a collect is in flight (held by a `hang` rule at BankID). */
  | 'gateway-down'
  /** BankID (the simulator) stops behind the gateway; the gateway answers the kiosk 503. */
  | 'bankid-down'
  /** Every request from the gateway to BankID is dropped (a `drop` rule on every endpoint) for a while. */
  | 'bankid-network-loss'
  /** IT adds the kiosk's certificate to the revocation file while its order is pending. */
  | 'kiosk-revoked'
  /** The kiosk's bankid.ca is not the CA that issued the gateway's certificate. */
  | 'kiosk-wrong-ca'
  /** The gateway serves a certificate from the right CA whose validity ended yesterday. */
  | 'gateway-certificate-expired'
  /** The kiosk presents a certificate from a CA other than the kiosk CA. */
  | 'foreign-kiosk-certificate'

export type GatewayOrderFate = 'completes' | 'cancelled-by-gateway' | 'cancel-retried' | 'gone-with-bankid' | 'unreached'

export const GATEWAY_ORDER_FATES: Record<GatewayOrderFate, { short: string; asserted: string }> = {
  completes: {
    short: 'completes: the login goes on through the other instance',
    asserted: 'the parent is logged in with their given name; the simulator holds no pending order',
  },
  'cancelled-by-gateway': {
    short: 'cancelled by the gateway at once',
    asserted: 'the gateway cancelled the order at BankID when it re-read the revocation file, before the kiosk asked again',
  },
  'cancel-retried': {
    short: 'cancel tried again until it reaches BankID: cancelled',
    asserted: 'the kiosk logged order.cancel-failed (will retry); once the way is back its retry cancels the order, and the simulator no longer holds it',
  },
  'gone-with-bankid': {
    short: 'the order went with the stopped BankID; the kiosk’s cancel is retried until BankID answers',
    asserted: 'the kiosk logged order.cancel-failed (will retry); the restarted simulator holds no order',
  },
  unreached: {
    short: 'none: no request reached BankID',
    asserted: 'the simulator logged no request at all and holds no order',
  },
}

export interface GatewayFaultCase {
  id: string
  fault: string
  stage: Stage
  disturbance: GatewayDisturbance
  expect: { screen: FailureScreen | { name: 'logged-in' }; order: GatewayOrderFate }
  /** What is put right before the "usable again" check (a full login through the gateway). */
  usableAgain: string
}

const fails = (cause: FailureScreen['cause'], messageKey: FailureScreen['messageKey'], reference: string): FailureScreen => ({
  name: 'failure',
  cause,
  messageKey,
  reference,
})

export const GATEWAY_FAULT_MATRIX: readonly GatewayFaultCase[] = [
  {
    id: 'gateway/start/kiosk-wrong-ca',
    fault: 'TLS: the kiosk trusts the wrong CA for the gateway',
    stage: 'start',
    disturbance: 'kiosk-wrong-ca',
    expect: { screen: fails('tls', 'bankid.rfa5', 'TLS-UNABLE_TO_VERIFY_LEAF_SIGNATURE'), order: 'unreached' },
    usableAgain: 'the kiosk’s client is switched to one trusting the gateway CA',
  },
  {
    id: 'gateway/start/gateway-certificate-expired',
    fault: 'TLS: the gateway’s server certificate has expired',
    stage: 'start',
    disturbance: 'gateway-certificate-expired',
    expect: { screen: fails('tls', 'bankid.rfa5', 'TLS-CERT_HAS_EXPIRED'), order: 'unreached' },
    usableAgain: 'the gateway restarts with a valid certificate',
  },
  {
    id: 'gateway/start/foreign-kiosk-certificate',
    fault: 'a kiosk certificate from another CA',
    stage: 'start',
    disturbance: 'foreign-kiosk-certificate',
    // Unlike BankID's own handshake failure, the gateway says why in BankID's error body.
    expect: { screen: fails('unknown', 'bankid.rfa22', 'B-401-unauthorized'), order: 'unreached' },
    usableAgain: 'the kiosk gets a certificate from the kiosk CA',
  },
  {
    id: 'gateway/waiting/kiosk-revoked',
    fault: 'the kiosk’s certificate is revoked while its order is pending',
    stage: 'waiting',
    disturbance: 'kiosk-revoked',
    expect: { screen: fails('unknown', 'bankid.rfa22', 'B-401-unauthorized'), order: 'cancelled-by-gateway' },
    usableAgain: 'the certificate is taken off the revocation list (a stolen terminal gets a new certificate instead)',
  },
  {
    id: 'gateway/waiting/bankid-down',
    fault: 'the gateway cannot reach BankID: BankID stops behind it',
    stage: 'waiting',
    disturbance: 'bankid-down',
    expect: { screen: fails('bankid-unavailable', 'bankid.rfa5', 'B-503-maintenance'), order: 'gone-with-bankid' },
    usableAgain: 'BankID starts again at the same address',
  },
  {
    id: 'gateway/after-pickup/bankid-network-loss',
    fault: 'the gateway’s network to BankID drops every request for a while',
    stage: 'after-pickup',
    disturbance: 'bankid-network-loss',
    expect: { screen: fails('bankid-unavailable', 'bankid.rfa5', 'B-503-maintenance'), order: 'cancel-retried' },
    usableAgain: 'the drop rule is removed',
  },
  {
    id: 'gateway/after-pickup/gateway-down',
    fault: 'the only gateway instance stops while a collect is in flight',
    stage: 'after-pickup',
    disturbance: 'gateway-down',
    expect: { screen: fails('network', 'bankid.rfa5', 'N-ECONNRESET'), order: 'cancel-retried' },
    usableAgain: 'the gateway starts again at the same address',
  },
  {
    id: 'gateway/after-pickup/instance-lost',
    fault: 'one of two gateway instances behind HAProxy stops mid-order',
    stage: 'after-pickup',
    disturbance: 'instance-lost',
    expect: { screen: { name: 'logged-in' }, order: 'completes' },
    usableAgain: 'nothing to put right: the other instance serves every kiosk',
  },
]

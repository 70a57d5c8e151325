// The fault matrix: every fault the BankID simulator can inject, at every stage of an order where
// it can happen, and what the kiosk must do about it. One row is one case.
//   fault-matrix.test.ts       runs every row against the real simulator and asserts it;
//   scripts/reliability-docs.ts renders the same rows as docs/reliability.md.
// So a row is both a test and a sentence in the documentation: change the kiosk's behaviour and
// the test fails; change the row and the page must be regenerated.
import type { SessionTiming } from '../../../src/main/session/kiosk-session'
import type { FaultSpec } from '../../../src/main/simulator/faults'
import type { BankIdMessageKey } from '../../../src/shared/bankid-messages'
import type { FailureCause } from '../../../src/shared/contract'

/** Where in the order's life the fault hits. */
export const STAGES = ['start', 'waiting', 'after-pickup'] as const
export type Stage = (typeof STAGES)[number]

export const STAGE_TITLES: Record<Stage, string> = {
  start: 'Start (the /auth request)',
  waiting: 'Waiting (collect while the QR is shown)',
  'after-pickup': 'After pickup (collect after the app took the order)',
}

/** What is done to BankID or to the network. */
export type Disturbance =
  /** A simulator fault rule (`faults.add`) on the stage's endpoint: /auth at start, this order's /collect later. */
  | { kind: 'rule'; fault: FaultSpec; times?: number }
  /** A collect is in flight (held by a `hang` rule) when the simulator is stopped; it later starts again at the same address. */
  | { kind: 'simulator-stopped' }
  /** Every request is dropped (`drop` on `*`: the collect and the kiosk's cancel alike) until the rule is removed. */
  | { kind: 'network-down' }
  /** The kiosk's client trusts BankID's test root CA (resources/bankid-ca/test.pem) instead of the simulator's. */
  | { kind: 'wrong-ca' }
  /** The simulator serves a server certificate from the right CA whose validity ended yesterday. */
  | { kind: 'expired-server-certificate' }
  /** The kiosk presents a client certificate from a CA the simulator does not accept. */
  | { kind: 'foreign-client-certificate' }
  /** The rule on every endpoint (`*`), kept until BankID comes back; the parent retries until the kiosk goes out of service. */
  | { kind: 'repeated-service-faults'; fault: FaultSpec }

export interface FailureScreen {
  name: 'failure'
  cause: FailureCause
  messageKey: BankIdMessageKey
  /** The reference code on the screen; `*` stands for one or more of A–Z, a–z, 0–9, _. */
  reference: string
}

/** The login goes on: the parent still sees the waiting screen, with this message. */
export interface WaitingScreen {
  name: 'waiting'
  messageKey: BankIdMessageKey
  /** Whether the QR is on the screen. */
  qr: boolean
  /** Why the login goes on, for the documentation. */
  why: string
}

export interface OutOfServiceScreen {
  name: 'out-of-service'
  reference: string
}

export type ExpectedScreen = FailureScreen | WaitingScreen | OutOfServiceScreen

/** BankID: collect "never more often than once a second", retries included (asserted for every order of every case). */
export const MIN_COLLECT_GAP_MS = 1_000

/** Start of the error the spacing check fails with (see checkCollectSpacing in fault-matrix.test.ts). */
export const COLLECT_SPACING_SYMPTOM = `collects of one order less than ${MIN_COLLECT_GAP_MS} ms apart`

/** Wall-clock time each run of a case may take: nothing may hang. */
export const CASE_WALL_CLOCK_MS = 10_000

/** How long (on the manual clock) a lost cancel is watched for a retry that does not come. */
export const CANCEL_LOST_WATCH_MS = 10_000

/** What happened to the BankID order; each is asserted as described in ORDER_FATES. */
export type OrderFate =
  | 'unreached'
  | 'none'
  | 'continues'
  | 'restarted'
  | 'ended'
  | 'cancelled'
  | 'cancel-unanswered'
  | 'cancel-retried'

export const ORDER_FATES: Record<OrderFate, { short: string; asserted: string }> = {
  unreached: {
    short: 'none: no request reached BankID',
    asserted: 'the simulator logged no request at all and holds no order (the TLS handshake failed first)',
  },
  none: {
    short: 'none was created',
    asserted: 'the simulator holds no order and logged no cancel',
  },
  continues: {
    short: 'still pending; this login goes on and completes',
    asserted: 'the order is pending at the simulator and no cancel was logged; the same order then completes',
  },
  restarted: {
    short: 'ended by BankID (startFailed); a new order replaced it',
    asserted:
      'the first order is failed with the hint at the simulator, no cancel was logged, and a second /auth made a new pending order',
  },
  ended: {
    short: 'ended by BankID; no cancel needed',
    asserted: 'the order is failed with the injected hint at the simulator and the kiosk sent no cancel (never touch a failed order)',
  },
  cancelled: {
    short: 'cancelled by the kiosk',
    asserted:
      'the simulator logged exactly one cancel for the order, answered 200, and no longer holds it; the kiosk logged order.cancelled',
  },
  'cancel-unanswered': {
    short: 'cancel sent, BankID unreachable; tried again until BankID answers (the order went with the stopped server)',
    asserted:
      'the kiosk logged order.cancel-failed (network, will retry) for the order while the simulator was down; the ' +
      'restarted simulator holds no order',
  },
  'cancel-retried': {
    short: 'cancel sent but dropped; tried again once the network is back: cancelled',
    asserted:
      'the simulator logged the first cancel as dropped and the kiosk logged order.cancel-failed (will retry); with the ' +
      `network back, within ${CANCEL_LOST_WATCH_MS / 1000} s on the clock the kiosk cancelled again, BankID answered 200 ` +
      'and no longer holds the order',
  },
}

/** What changes in the world before the "usable again" check. */
export type Recovery =
  | 'none-needed'
  | 'rule-removed'
  | 'simulator-restarted'
  | 'network-back'
  | 'trust-fixed'
  | 'certificate-renewed'
  | 'own-client-certificate'
  | 'bankid-back'

export const RECOVERIES: Record<Recovery, string> = {
  'none-needed': 'nothing to recover: this login completes in the app',
  'rule-removed': 'the fault rule is removed',
  'simulator-restarted': 'the simulator starts again at the same address (an empty order book)',
  'network-back': 'the drop rule is removed',
  'trust-fixed': 'the session’s BankID client is switched to one trusting the simulator’s CA',
  'certificate-renewed': 'the simulator restarts at the same address with a valid certificate',
  'own-client-certificate': 'the session’s BankID client is switched back to the simulator-issued client certificate',
  'bankid-back': 'the rule is removed; the kiosk’s own out-of-service retry finds BankID again',
}

export interface FaultCase {
  /** Unique, stable: the test's name. */
  id: string
  /** The fault as the documentation names it (Markdown). */
  fault: string
  stage: Stage
  disturbance: Disturbance
  /** Session timing that differs from the harness's defaults (test/support/session-harness.ts). */
  timing?: Partial<SessionTiming>
  expect: {
    screen: ExpectedScreen
    /** Also accepted, and when (e.g. a TLS alert that sometimes arrives before the reset). */
    alternative?: { screen: FailureScreen; when: string }
    order: OrderFate
    /** HTTP statuses the simulator answered on the stage's endpoint while the fault was on, in order. */
    attempts?: number[]
  }
  usableAgain: {
    recovery: Recovery
    /** The same parent's first retry meets this screen (then "Försök igen" works). */
    firstRetry?: FailureScreen
  }
  /**
   * A check that fails today because of a bug in the kiosk: the bug, and the start of the error
   * the check fails with. The suite expects exactly that error, so fixing the bug (or breaking
   * the check some other way) makes it fail until the row is updated.
   */
  knownFailure?: Partial<Record<KnownFailurePart, KnownFailure>>
}

export type KnownFailurePart = 'case' | 'dispose'
export interface KnownFailure {
  bug: string
  symptom: string
}

// ---- the rows ----------------------------------------------------------------------------------

const fails = (cause: FailureCause, messageKey: BankIdMessageKey, reference: string): FailureScreen => ({
  name: 'failure',
  cause,
  messageKey,
  reference,
})
const goesOn = (messageKey: BankIdMessageKey, qr: boolean, why: string): WaitingScreen => ({ name: 'waiting', messageKey, qr, why })

/** A short request timeout for the cases that wait for it (hang, slow past it): real milliseconds. */
export const SHORT_REQUEST_TIMEOUT_MS = 400

interface StageOutcome {
  screen: ExpectedScreen
  order: OrderFate
  attempts?: number[]
}

interface RuleRow {
  id: string
  fault: string
  spec: FaultSpec
  /** How many requests the rule affects; omitted: every request until it is removed. */
  times?: number
  timing?: Partial<SessionTiming>
  at: Partial<Record<Stage, StageOutcome>>
  /** Known failures of the row's cases after the start (waiting, after pickup). */
  knownFailureAfterStart?: Partial<Record<KnownFailurePart, KnownFailure>>
}

/** A failure before any order exists, and the same failure later (the kiosk must cancel the order). */
function everyStage(screen: FailureScreen): Partial<Record<Stage, StageOutcome>> {
  return {
    start: { screen, order: 'none' },
    waiting: { screen, order: 'cancelled' },
    'after-pickup': { screen, order: 'cancelled' },
  }
}

/** A failed hint code while waiting and after pickup: BankID ended the order itself. */
function failedHint(hint: string, cause: FailureCause, messageKey: BankIdMessageKey): RuleRow {
  const screen = fails(cause, messageKey, `H-${hint}`)
  return {
    id: `hint-failed-${hint}`,
    fault: `failed \`${hint}\``,
    spec: { kind: 'hintCode', hintCode: hint, status: 'failed' },
    times: 1,
    at: { waiting: { screen, order: 'ended' }, 'after-pickup': { screen, order: 'ended' } },
  }
}

const unavailable = (reference: string) => fails('bankid-unavailable', 'bankid.rfa5', reference)
const network = (reference: string) => fails('network', 'bankid.rfa5', reference)
const unknown = (messageKey: BankIdMessageKey, reference: string) => fails('unknown', messageKey, reference)

/**
 * The 503 retry of collect happens inside the BankID client, below the session. This matrix's
 * client waits 5 ms between retries (test/support/simulator.ts) so the suite stays fast, which the
 * spacing check sees; production's waits 1 s, 2 s, 4 s, checked on the manual clock by
 * test/main/session/collect-cadence.test.ts.
 */
const CLIENT_RETRIES_COLLECT: Partial<Record<KnownFailurePart, KnownFailure>> = {
  case: {
    bug:
      'not the kiosk: this matrix’s BankID client retries a 503 `maintenance` after 5 ms (for speed), so its retries ' +
      'are less than a second apart on the simulator’s log. The production client waits 1 s, 2 s and 4 s, and the ' +
      'session keeps the collect after a retried answer a second away (test/main/session/collect-cadence.test.ts).',
    symptom: COLLECT_SPACING_SYMPTOM,
  },
}

const RULE_ROWS: RuleRow[] = [
  {
    id: 'internalError',
    fault: '500 `internalError`',
    spec: { kind: 'internalError' },
    times: 1,
    at: everyStage(unavailable('B-500-internalError')),
  },
  {
    id: 'maintenance-once',
    knownFailureAfterStart: CLIENT_RETRIES_COLLECT,
    fault: '503 `maintenance`, once',
    spec: { kind: 'maintenance' },
    times: 1,
    at: {
      start: { screen: goesOn('bankid.rfa1', true, 'the client retried the 503 silently'), order: 'continues', attempts: [503, 200] },
      waiting: { screen: goesOn('bankid.rfa1', true, 'the client retried the 503 silently'), order: 'continues', attempts: [503, 200] },
      'after-pickup': {
        screen: goesOn('bankid.rfa9', false, 'the client retried the 503 silently'),
        order: 'continues',
        attempts: [503, 200],
      },
    },
  },
  {
    id: 'maintenance-always',
    knownFailureAfterStart: CLIENT_RETRIES_COLLECT,
    fault: '503 `maintenance`, every time',
    spec: { kind: 'maintenance' },
    at: {
      start: { screen: unavailable('B-503-maintenance'), order: 'none', attempts: [503, 503, 503, 503] },
      waiting: { screen: unavailable('B-503-maintenance'), order: 'cancelled', attempts: [503, 503, 503, 503] },
      'after-pickup': { screen: unavailable('B-503-maintenance'), order: 'cancelled', attempts: [503, 503, 503, 503] },
    },
  },
  {
    id: 'requestTimeout',
    fault: '408 `requestTimeout`',
    spec: { kind: 'requestTimeout' },
    times: 1,
    at: everyStage(unavailable('B-408-requestTimeout')),
  },
  {
    id: 'slow-in-time',
    fault: 'slow answer: 100 ms (request timeout 5 s)',
    spec: { kind: 'slow', delayMs: 100 },
    times: 1,
    at: {
      start: { screen: goesOn('bankid.rfa1', true, 'the answer came within the request timeout'), order: 'continues' },
      waiting: { screen: goesOn('bankid.rfa1', true, 'the answer came within the request timeout'), order: 'continues' },
      'after-pickup': { screen: goesOn('bankid.rfa9', false, 'the answer came within the request timeout'), order: 'continues' },
    },
  },
  {
    id: 'slow-too-late',
    fault: `slow answer: 1 000 ms (request timeout ${SHORT_REQUEST_TIMEOUT_MS} ms)`,
    spec: { kind: 'slow', delayMs: 1_000 },
    times: 1,
    timing: { requestTimeoutMs: SHORT_REQUEST_TIMEOUT_MS },
    at: everyStage(network('N-TIMEOUT')),
  },
  {
    id: 'hang',
    fault: `no answer at all, \`hang\` (request timeout ${SHORT_REQUEST_TIMEOUT_MS} ms)`,
    spec: { kind: 'hang' },
    times: 1,
    timing: { requestTimeoutMs: SHORT_REQUEST_TIMEOUT_MS },
    at: everyStage(network('N-TIMEOUT')),
  },
  {
    id: 'drop',
    fault: 'connection closed without an answer, `drop`',
    spec: { kind: 'drop' },
    times: 1,
    at: everyStage(network('N-ECONNRESET')),
  },
  {
    id: 'malformedJson',
    fault: '200 with a cut-off JSON body, `malformedJson`',
    spec: { kind: 'malformedJson' },
    times: 1,
    at: everyStage(unknown('bankid.rfa5', 'M-200')),
  },
  {
    id: 'error-unknown-code',
    fault: '400 with an unknown errorCode `newErrorCode`',
    spec: { kind: 'errorResponse', errorCode: 'newErrorCode', httpStatus: 400 },
    times: 1,
    at: everyStage(unknown('bankid.rfa22', 'B-400-newErrorCode')),
  },
  {
    id: 'error-unauthorized',
    fault: '401 `unauthorized`',
    spec: { kind: 'errorResponse', errorCode: 'unauthorized', httpStatus: 401 },
    times: 1,
    at: everyStage(unknown('bankid.rfa22', 'B-401-unauthorized')),
  },
  {
    id: 'error-invalidParameters',
    fault: '400 `invalidParameters`',
    spec: { kind: 'errorResponse', errorCode: 'invalidParameters', httpStatus: 400 },
    times: 1,
    at: everyStage(unknown('bankid.rfa22', 'B-400-invalidParameters')),
  },
  {
    id: 'hint-pending-unknown',
    fault: 'pending with an unknown hint `newPendingHint`',
    spec: { kind: 'hintCode', hintCode: 'newPendingHint', status: 'pending' },
    times: 1,
    at: {
      waiting: {
        screen: goesOn('bankid.rfa21', true, 'an unknown pending hint means "in progress" (RFA21); collecting goes on'),
        order: 'continues',
      },
      'after-pickup': {
        screen: goesOn('bankid.rfa21', false, 'an unknown pending hint means "in progress" (RFA21); collecting goes on'),
        order: 'continues',
      },
    },
  },
  failedHint('newFailedHint', 'unknown', 'bankid.rfa22'),
  failedHint('expiredTransaction', 'timeout', 'bankid.rfa8'),
  failedHint('certificateErr', 'blocked', 'bankid.rfa16'),
  failedHint('userCancel', 'cancelled-in-app', 'bankid.rfa6'),
  failedHint('cancelled', 'cancelled-new-order', 'bankid.rfa3'),
  {
    ...failedHint('startFailed', 'scan-failed', 'bankid.rfa17b'),
    at: {
      waiting: {
        screen: goesOn('bankid.rfa1', true, 'an unscanned order that fails with startFailed is restarted silently with a new QR'),
        order: 'restarted',
      },
      'after-pickup': { screen: fails('scan-failed', 'bankid.rfa17b', 'H-startFailed'), order: 'ended' },
    },
  },
  failedHint('userDeclinedCall', 'unknown', 'bankid.rfa22'),
  failedHint('notSupportedByUserApp', 'app-too-old', 'bankid.appTooOld'),
  failedHint('transactionRiskBlocked', 'risk-blocked', 'bankid.riskBlocked'),
]

/** Why a rule fault has no row at a stage. */
export const NOT_APPLICABLE: { faults: string; stage: Stage; reason: string }[] = [
  {
    faults: 'every `hintCode` fault',
    stage: 'start',
    reason:
      'hint codes exist only in collect answers: the simulator ignores a hint-code rule on /auth, and the order starts normally',
  },
]

function ruleCases(): FaultCase[] {
  const cases: FaultCase[] = []
  for (const row of RULE_ROWS) {
    for (const stage of STAGES) {
      const outcome = row.at[stage]
      if (!outcome) continue
      cases.push({
        id: `${stage}/${row.id}`,
        fault: row.fault,
        stage,
        disturbance: { kind: 'rule', fault: row.spec, ...(row.times === undefined ? {} : { times: row.times }) },
        ...(row.timing ? { timing: row.timing } : {}),
        expect: {
          screen: outcome.screen,
          order: outcome.order,
          ...(outcome.attempts ? { attempts: outcome.attempts } : {}),
        },
        usableAgain: { recovery: outcome.screen.name === 'waiting' ? 'none-needed' : 'rule-removed' },
        ...(row.knownFailureAfterStart && stage !== 'start' ? { knownFailure: row.knownFailureAfterStart } : {}),
      })
    }
  }
  return cases
}

const SPECIAL_CASES: FaultCase[] = [
  ...(['waiting', 'after-pickup'] as const).map(
    (stage): FaultCase => ({
      id: `${stage}/simulator-stopped`,
      fault: 'network loss: the simulator stops while a collect is in flight',
      stage,
      disturbance: { kind: 'simulator-stopped' },
      expect: { screen: network('N-ECONNRESET'), order: 'cancel-unanswered' },
      usableAgain: { recovery: 'simulator-restarted' },
    }),
  ),
  ...(['waiting', 'after-pickup'] as const).map(
    (stage): FaultCase => ({
      id: `${stage}/network-down`,
      fault: 'network loss: every request dropped for a while',
      stage,
      disturbance: { kind: 'network-down' },
      expect: { screen: network('N-ECONNRESET'), order: 'cancel-retried' },
      usableAgain: { recovery: 'network-back' },
    }),
  ),
  {
    id: 'start/wrong-ca',
    fault: 'TLS: the kiosk trusts the wrong root CA (BankID’s test CA)',
    stage: 'start',
    disturbance: { kind: 'wrong-ca' },
    expect: { screen: fails('tls', 'bankid.rfa5', 'TLS-UNABLE_TO_VERIFY_LEAF_SIGNATURE'), order: 'unreached' },
    usableAgain: { recovery: 'trust-fixed' },
  },
  {
    id: 'start/expired-server-certificate',
    fault: 'TLS: the server certificate has expired',
    stage: 'start',
    disturbance: { kind: 'expired-server-certificate' },
    expect: { screen: fails('tls', 'bankid.rfa5', 'TLS-CERT_HAS_EXPIRED'), order: 'unreached' },
    usableAgain: { recovery: 'certificate-renewed' },
  },
  {
    id: 'start/foreign-client-certificate',
    fault: 'TLS: BankID refuses the kiosk’s client certificate',
    stage: 'start',
    disturbance: { kind: 'foreign-client-certificate' },
    expect: {
      screen: network('N-ECONNRESET'),
      alternative: {
        screen: fails('tls', 'bankid.rfa5', 'TLS-*'),
        when: 'if the server’s TLS alert reaches the client before the connection reset',
      },
      order: 'unreached',
    },
    usableAgain: { recovery: 'own-client-certificate' },
  },
  {
    id: 'start/out-of-service',
    fault: 'repeated service faults: 500 `internalError` on every request until BankID is back',
    stage: 'start',
    disturbance: { kind: 'repeated-service-faults', fault: { kind: 'internalError' } },
    timing: { serviceFailuresBeforeOutOfService: 3, outOfServiceRetryMs: 30_000 },
    expect: { screen: { name: 'out-of-service', reference: 'B-500-internalError' }, order: 'none' },
    usableAgain: { recovery: 'bankid-back' },
  },
]

export const FAULT_MATRIX: readonly FaultCase[] = [...ruleCases(), ...SPECIAL_CASES].sort(
  (a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage),
)

/** The reference shape as a regular expression (`*` is one or more of A–Z, a–z, 0–9, _). */
export function referencePattern(shape: string): RegExp {
  const escaped = shape.replace(/[.*+?^${}()|[\]\\]/g, (char) => (char === '*' ? '[A-Za-z0-9_]+' : `\\${char}`))
  return new RegExp(`^${escaped}$`)
}

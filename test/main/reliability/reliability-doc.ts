// Renders docs/reliability.md from the fault matrix. Everything on the page comes from the rows in
// fault-matrix.ts (which fault-matrix.test.ts asserts) or describes how they are run: no dates,
// no timings measured on this machine, nothing the suite does not check.
import path from 'node:path'
import { staffReference } from '../../../src/shared/staff-reference'
import { TEST_TIMING } from '../../support/session-harness'
import type { ExpectedScreen, FailureScreen, FaultCase, Stage } from './fault-matrix'
import { GATEWAY_FAULT_MATRIX, GATEWAY_ORDER_FATES } from '../../gateway/reliability/gateway-fault-matrix'
import {
  CASE_WALL_CLOCK_MS,
  FAULT_MATRIX,
  MIN_COLLECT_GAP_MS,
  NOT_APPLICABLE,
  ORDER_FATES,
  RECOVERIES,
  SHORT_REQUEST_TIMEOUT_MS,
  STAGE_TITLES,
  STAGES,
} from './fault-matrix'

export const RELIABILITY_DOC_FILE = 'docs/reliability.md'
export const REGENERATE_COMMAND = 'npm run docs:reliability'
export const RERUN_COMMAND = 'npx vitest run test/main/reliability'

export const reliabilityDocPath = (repositoryRoot: string) => path.join(repositoryRoot, RELIABILITY_DOC_FILE)

const STAGE_SHORT: Record<Stage, string> = { start: 'start', waiting: 'waiting', 'after-pickup': 'after pickup' }

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
const code = (text: string) => `\`${text}\``
const seconds = (ms: number) => `${ms / 1000} s`

function failureText(screen: FailureScreen): string {
  return `failure: ${code(screen.cause)}, ${code(screen.messageKey)}`
}

function screenText(screen: ExpectedScreen, c: FaultCase): string {
  switch (screen.name) {
    case 'failure': {
      const alternative = c.expect.alternative
      const base = failureText(screen)
      return alternative ? `${base} (or ${failureText(alternative.screen)} ${alternative.when})` : base
    }
    case 'waiting':
      return `waiting continues: ${code(screen.messageKey)}, ${screen.qr ? 'QR shown' : 'no QR'} (${screen.why})`
    case 'out-of-service':
      return `out of service, retrying every ${seconds(c.timing?.outOfServiceRetryMs ?? TEST_TIMING.outOfServiceRetryMs)}`
  }
}

function referenceText(c: FaultCase): string {
  const screen = c.expect.screen
  if (screen.name === 'waiting') return '—'
  const alternative = c.expect.alternative
  return alternative ? `${code(screen.reference)} or ${code(alternative.screen.reference)}` : code(screen.reference)
}

/** What the parent's screen shows for a code: its neutral staff reference (a shape like `TLS-*` has one per code). */
function parentReference(reference: string): string {
  return reference.includes('*') ? 'one per code' : code(staffReference(reference))
}

function parentReferenceText(c: FaultCase): string {
  const screen = c.expect.screen
  if (screen.name === 'waiting') return '—'
  const alternative = c.expect.alternative
  return alternative
    ? `${parentReference(screen.reference)} or ${parentReference(alternative.screen.reference)}`
    : parentReference(screen.reference)
}

function orderText(c: FaultCase): string {
  const attempts = c.expect.attempts
  const fate = ORDER_FATES[c.expect.order].short
  return attempts ? `${fate}; BankID answered ${attempts.join(', ')}` : fate
}

function usableText(c: FaultCase): string {
  if (c.knownFailure?.case) return `**no: known failure** (see below)`
  if (c.usableAgain.recovery === 'none-needed') return 'yes: this login completes, then another full login'
  const first = c.usableAgain.firstRetry
  const retry = first ? `; the first retry meets ${failureText(first)}, the second logs in` : ''
  return `yes, once ${RECOVERIES[c.usableAgain.recovery]}${retry}`
}

function disposeText(c: FaultCase): string {
  return c.knownFailure?.dispose ? '**no: known failure** (see below)' : 'nothing left'
}

function faultText(c: FaultCase): string {
  const timing = c.timing ?? {}
  const settings = Object.entries(timing).filter(([key]) => key !== 'requestTimeoutMs')
  const extra = settings.length ? ` (${settings.map(([key, value]) => `${key} ${value}`).join(', ')})` : ''
  return `<a id="${c.id}"></a>${c.fault}${extra}`
}

function stageTable(stage: Stage): string[] {
  const cases = FAULT_MATRIX.filter((c) => c.stage === stage)
  return [
    `### ${STAGE_TITLES[stage]}: ${cases.length} cases`,
    '',
    row(['Fault', 'The parent sees', 'Reference', 'The parent reads', 'The order at BankID', 'Usable again', 'Dispose mid-fault']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...cases.map((c) =>
      row([
        faultText(c),
        screenText(c.expect.screen, c),
        referenceText(c),
        parentReferenceText(c),
        orderText(c),
        usableText(c),
        disposeText(c),
      ]),
    ),
    '',
    ...NOT_APPLICABLE.filter((item) => item.stage === stage).flatMap((item) => [
      `Not applicable here: ${item.faults}, because ${item.reason}.`,
      '',
    ]),
  ]
}

/** A compact grid: one line per fault, one column per stage, the cause (or "goes on") in each cell. */
function overview(): string[] {
  const faults = [...new Set(FAULT_MATRIX.map((c) => c.fault))]
  const shortScreen = (c: FaultCase | undefined) => {
    if (!c) return 'n/a'
    const screen = c.expect.screen
    const known = c.knownFailure ? ' ⚠' : ''
    if (screen.name === 'failure') return `${code(screen.cause)}${known}`
    if (screen.name === 'waiting') return `goes on${known}`
    return `out of service${known}`
  }
  return [
    row(['Fault', ...STAGES.map((stage) => STAGE_SHORT[stage])]),
    row(['---', ...STAGES.map(() => '---')]),
    ...faults.map((fault) =>
      row([fault, ...STAGES.map((stage) => shortScreen(FAULT_MATRIX.find((c) => c.fault === fault && c.stage === stage)))]),
    ),
  ]
}

/** The gateway's rows (test/gateway/reliability/gateway-fault-matrix.ts): a kiosk in gateway mode. */
function gatewaySection(): string[] {
  return [
    '## Through the gateway',
    '',
    'A kiosk in gateway mode (`bankid.environment` `"custom"`, product.md §9) talks to the municipality’s BankID',
    'gateway, which talks to BankID. These rows run the kiosk’s session engine against the real gateway',
    '(`src/gateway`) and the simulator behind it, over real mutual TLS on both legs, and for the instance-loss row',
    'two gateway instances behind a real HAProxy in TCP mode with round robin. Each row is a test in',
    '`test/gateway/reliability/gateway-fault-matrix.test.ts`; each checks the parent’s screen, the order at BankID,',
    'and a full login afterwards, and ends with no order pending at the simulator.',
    '',
    ...Object.values(GATEWAY_ORDER_FATES).map((fate) => `- *${fate.short}*: ${fate.asserted}.`),
    '',
    row(['Fault', 'Stage', 'The parent sees', 'Reference', 'The parent reads', 'The order at BankID', 'Usable again, once']),
    row(['---', '---', '---', '---', '---', '---', '---']),
    ...GATEWAY_FAULT_MATRIX.map((c) =>
      row([
        `<a id="${c.id}"></a>${c.fault}`,
        STAGE_SHORT[c.stage],
        c.expect.screen.name === 'failure' ? failureText(c.expect.screen) : 'logged in: the login completes',
        c.expect.screen.name === 'failure' ? code(c.expect.screen.reference) : '—',
        c.expect.screen.name === 'failure' ? parentReference(c.expect.screen.reference) : '—',
        GATEWAY_ORDER_FATES[c.expect.order].short,
        c.usableAgain,
      ]),
    ),
    '',
    '- **A refused kiosk certificate is a clear 401**, not a reset: the gateway asks for a client certificate without',
    '  insisting, so it can answer BankID’s `unauthorized` body and log the certificate’s fingerprint. The kiosk shows the',
    '  generic failure with `B-401-unauthorized`, which staff can look up.',
    '- **Round robin is per connection.** A kiosk keeps its connection to one instance while it is busy; with',
    '  `listen.keepAliveSeconds` shorter than the collect interval each collect may go to another instance. Either way',
    '  a lost instance costs the kiosk nothing but a new connection.',
    '',
  ]
}

/** Every code of the matrices by the reference the parent reads, for staff who have only that. */
function staffLookup(): string[] {
  const causes = new Map<string, Set<string>>()
  const add = (screen: { name: string; reference?: string; cause?: string }) => {
    if (screen.name === 'waiting' || screen.reference === undefined || screen.reference.includes('*')) return
    const cause = screen.name === 'failure' ? code(screen.cause ?? '') : 'out of service'
    causes.set(screen.reference, (causes.get(screen.reference) ?? new Set()).add(cause))
  }
  for (const c of FAULT_MATRIX) {
    add(c.expect.screen)
    if (c.expect.alternative) add(c.expect.alternative.screen)
  }
  for (const c of GATEWAY_FAULT_MATRIX) add(c.expect.screen)
  const rows = [...causes].map(([reference, seen]) => ({ parent: staffReference(reference), reference, seen: [...seen].join(', ') }))
  rows.sort((a, b) => (a.parent < b.parent ? -1 : a.parent > b.parent ? 1 : 0))
  return [
    '## The reference the parent reads',
    '',
    'The failure and out-of-service screens do not show the code to the parent (“H-certificateErr” means nothing to',
    'a parent and sounds alarming), only a neutral four-character reference made from it',
    '(`src/shared/staff-reference.ts`): digits 2–9 and consonants, the same for the same code on every kiosk. The log',
    'has both (`reference`, `staffReference`), and the staff screen’s recent errors show both for the warnings and',
    'errors (BankID, network, hand-off, settings). Every code in the tables above, by the reference the parent reads:',
    '',
    row(['The parent reads', 'Reference', 'Screen']),
    row(['---', '---', '---']),
    ...rows.map((r) => row([code(r.parent), code(r.reference), r.seen])),
    '',
  ]
}

function knownFailures(): string[] {
  const items = FAULT_MATRIX.flatMap((c) =>
    Object.entries(c.knownFailure ?? {}).map(
      ([part, known]) =>
        `- [**${c.id}**](#${c.id}), ${part === 'case' ? 'the case itself' : 'dispose while the fault is under way'}: ` +
        `${known.bug} The check fails with ${code(known.symptom)}.`,
    ),
  )
  if (items.length === 0) return ['None: every check of every case passes.']
  return [
    'These checks fail today because of bugs in the kiosk. The suite expects each to fail with exactly the error',
    'shown, so it stays green until the bug is fixed, and then fails until the row is updated.',
    '',
    ...items,
  ]
}

function knownLimits(): string[] {
  const limits: string[] = []
  const foreign = FAULT_MATRIX.find((c) => c.disturbance.kind === 'foreign-client-certificate')
  if (foreign && foreign.expect.screen.name === 'failure') {
    limits.push(
      `- **A refused client certificate looks like a network failure.** Under TLS 1.3 the server checks the client ` +
        `certificate after the client has finished its side of the handshake, so the kiosk sees the connection reset ` +
        `(${code(foreign.expect.screen.reference)}, cause ${code(foreign.expect.screen.cause)}) unless the TLS alert happens to arrive first. ` +
        `So ${code(foreign.expect.screen.reference)} can also mean a refused RP certificate ([row](#${foreign.id})).`,
    )
  }
  const unconfirmed = FAULT_MATRIX.filter((c) => c.expect.order === 'cancel-retried' || c.expect.order === 'cancel-unanswered')
  if (unconfirmed.length) {
    limits.push(
      `- **A cancel that cannot reach BankID is tried again** after 5, 10, 20 and then every 30 s, and at once before the ` +
        `next login starts, until BankID answers or the order must have expired there (6 minutes). Until then the order ` +
        `stays open at BankID (${unconfirmed.map((c) => `[${c.id}](#${c.id})`).join(', ')}); the kiosk logs ` +
        `${code('order.cancel-failed')} with ${code('willRetry')} for each try.`,
    )
  }
  const retried = FAULT_MATRIX.filter((c) => c.expect.attempts)
  if (retried.length) {
    limits.push(
      `- **Only 503 ${code('maintenance')} is retried, silently, inside one request** (the attempts BankID answered are in ` +
        `the order column of ${retried.map((c) => `[${c.id}](#${c.id})`).join(', ')}). 500, 408, timeouts and dropped ` +
        `connections end the login the first time they happen.`,
    )
  }
  limits.push(
    `- **A hung or slow BankID holds the parent until the request timeout.** The ${code('hang')} and slow-past-the-timeout rows ` +
      `run with ${code('requestTimeoutMs')} = ${SHORT_REQUEST_TIMEOUT_MS} ms and end in ${code('N-TIMEOUT')}; on a kiosk the ` +
      `configured request timeout is what the parent waits.`,
  )
  for (const item of NOT_APPLICABLE) {
    limits.push(`- **Not applicable at ${STAGE_SHORT[item.stage]}:** ${item.faults}, because ${item.reason}.`)
  }
  return limits
}

export function renderReliabilityDoc(): string {
  const counts = STAGES.map((stage) => [stage, FAULT_MATRIX.filter((c) => c.stage === stage).length] as const)
  const timing = TEST_TIMING
  const lines = [
    '# Reliability: the fault matrix',
    '',
    `<!-- Generated by \`${REGENERATE_COMMAND}\` (scripts/reliability-docs.ts) from test/main/reliability/fault-matrix.ts. Do not edit by hand. -->`,
    '',
    'What the kiosk does when BankID or the network misbehaves, for every fault the BankID simulator can',
    'inject, at every stage of an order where it can hit. Each row below is a test in',
    '`test/main/reliability/fault-matrix.test.ts`, and this page is generated from the same rows: the suite',
    'fails when the kiosk does something else, and when this page is not what the generator makes.',
    '',
    '## How the faults are made',
    '',
    '- The session engine (`src/main/session/kiosk-session.ts`) talks to the BankID simulator over real mutual TLS',
    '  on loopback. Session and simulator share one manual clock, so BankID time (the collect interval, the start window,',
    '  the out-of-service retry) is moved by hand; request timeouts and the simulator’s `slow`/`hang` delays are real',
    '  milliseconds. Every case gets its own simulator and session.',
    `- Session timing unless a row says otherwise: collect every ${seconds(timing.collectIntervalMs)}, request timeout ` +
      `${seconds(timing.requestTimeoutMs)}, cancel timeout ${seconds(timing.cancelTimeoutMs)}, out of service after ` +
      `${timing.serviceFailuresBeforeOutOfService} service failures in a row, retry every ${seconds(timing.outOfServiceRetryMs)}.`,
    '- Fault rules are the simulator’s (`simulator.faults.add({ endpoint, orderRef, times, fault })`): at **start** on',
    '  `/auth`; **waiting** (the QR is on the screen) and **after pickup** (the app has taken the order) on `/collect`,',
    '  for this order only. A rule affects one request unless the row says "every time" (then until it is removed).',
    '- Network loss: the simulator is stopped while a collect is held open by a `hang` rule, or a `drop` rule on every',
    '  endpoint makes every request fail for a while. TLS: the kiosk trusts BankID’s test root CA instead of the',
    '  simulator’s; the simulator serves a server certificate from its own CA that expired yesterday; the kiosk presents',
    '  a client certificate from a CA the simulator does not know.',
    '',
    '## What every case checks',
    '',
    '1. **The screen** the parent sees once the kiosk has handled the fault: the failure screen’s cause, message and',
    '   reference code, or that the login goes on (the waiting screen, with its message and whether the QR is shown), or',
    '   the out-of-service screen.',
    '2. **The order at BankID**, asserted on the simulator’s request log and order book:',
    ...Object.values(ORDER_FATES).map((fate) => `   - *${fate.short}*: ${fate.asserted}.`),
    '3. **Usable again.** After the recovery the row names, from the screen the fault left: “Till början” (cancel) →',
    '   welcome → a full login with the same personnummer (keypad, QR, scan, security code, logged in with the parent’s',
    '   name, “Klar” → welcome). When the login went on, the parent first finishes it in the app. Out of service: the',
    '   kiosk’s own retry fails while BankID is still down, and the first one after it is back shows the welcome screen.',
    '4. **Nothing left behind.** The case ends with `session.dispose()` and no timer left on the clock. A second run of',
    '   each case disposes the session while the faulty request is still under way and checks the same, and for',
    '   simulator fault rules also that no order is left pending at BankID.',
    `5. **Nothing hangs.** Each run must finish within ${seconds(CASE_WALL_CLOCK_MS)} of wall-clock time.`,
    `6. **BankID’s cadence.** On the simulator’s request log (its clock is the session’s), no two collects of one order`,
    `   are less than ${seconds(MIN_COLLECT_GAP_MS)} apart, through the fault, the retries and the login after it.`,
    '',
    '## How to rerun',
    '',
    '```sh',
    `${RERUN_COMMAND}           # every case, and the check that this page is current`,
    'npx tsx scripts/reliability-docs.ts --check   # only the check: exit 1 if this page is out of date',
    `${REGENERATE_COMMAND}                      # rewrite this page after changing the matrix`,
    '```',
    '',
    '## Cases per stage',
    '',
    row(['Stage', 'Cases']),
    row(['---', '---']),
    ...counts.map(([stage, count]) => row([STAGE_TITLES[stage], String(count)])),
    row(['**All**', `**${FAULT_MATRIX.length}**`]),
    '',
    '## Overview',
    '',
    'The cause on the failure screen per fault and stage (“goes on”: the login continues; ⚠: a known failure).',
    '',
    ...overview(),
    '',
    '## The matrix',
    '',
    ...STAGES.flatMap((stage) => stageTable(stage)),
    '',
    ...gatewaySection(),
    ...staffLookup(),
    '## Known failures',
    '',
    ...knownFailures(),
    '',
    '## Known limits',
    '',
    ...knownLimits(),
    '',
  ]
  return lines.join('\n').replace(/\n{3,}/g, '\n\n')
}

// What the book shows of an order: the pending hint an RP collects, the app's view (no secrets,
// no QR tokens) and the completionData BankID gives on "complete".
import { createHash } from 'node:crypto'
import type { SimulatedPerson } from './people'
import type { Order, OrderView, ProveCompletion, Stage } from './order-types'

/** The hintCode a collect sees while the order waits at this stage. */
export function pendingHint(stage: Stage): string {
  switch (stage) {
    case 'awaiting-pickup':
      return 'outstandingTransaction'
    case 'awaiting-mrtd':
      return 'userMrtd'
    default:
      return 'userSign'
  }
}

/** The simulated app's view of an order at `now`. */
export function orderView(order: Order, now: number): OrderView {
  const outcome = order.outcome
  return {
    orderRef: order.orderRef,
    type: order.type,
    ageSeconds: Math.floor((now - order.createdAt) / 1000),
    stage: order.stage,
    status: outcome?.status ?? 'pending',
    hintCode: outcome ? (outcome.status === 'failed' ? outcome.hintCode : null) : pendingHint(order.stage),
    requiredPersonalNumber: order.requirement.personalNumber ?? null,
    personalNumber: order.person?.personalNumber ?? null,
    userVisibleText: order.userVisibleData === undefined ? null : Buffer.from(order.userVisibleData, 'base64').toString('utf8'),
    mrtd: order.requirement.mrtd === true,
    endUserIp: order.endUserIp,
  }
}

/** BankID's completionData for a completed order, with the proof signed by `prove`. */
export function completionData(order: Order, person: SimulatedPerson, prove: ProveCompletion): Record<string, unknown> {
  const { signature, ocspResponse } = prove({
    type: order.type,
    personalNumber: person.personalNumber,
    givenName: person.givenName,
    surname: person.surname,
    userVisibleData: order.userVisibleData,
    userNonVisibleData: order.userNonVisibleData,
  })
  return {
    user: {
      personalNumber: person.personalNumber,
      name: `${person.givenName} ${person.surname}`,
      givenName: person.givenName,
      surname: person.surname,
    },
    device: {
      ipAddress: '192.0.2.10', // the phone's address (TEST-NET-1): in QR flows it is not the kiosk's
      uhi: createHash('sha1').update(`uhi:${person.personalNumber}`).digest('base64'),
    },
    bankIdIssueDate: '2024-01-15Z',
    ...(order.requirement.mrtd ? { stepUp: { mrtd: true } } : {}),
    signature,
    ocspResponse,
    ...(order.returnRisk ? { risk: 'low' } : {}),
  }
}

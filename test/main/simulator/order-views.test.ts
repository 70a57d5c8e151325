// What is shown of an order, on its own: the pending hints, the app's view and completionData.
import { describe, expect, it } from 'vitest'
import type { ProofInput } from '../../../src/main/simulator/bankid-proof'
import type { Order } from '../../../src/main/simulator/order-types'
import { completionData, orderView, pendingHint } from '../../../src/main/simulator/order-views'

const person = { personalNumber: '199001012385', givenName: 'Anna', surname: 'Andersson', securityCode: '123456' }
const order = (extra: Partial<Order> = {}): Order => ({
  type: 'sign',
  clientId: 'rp',
  endUserIp: '10.0.0.7',
  requirement: { personalNumber: person.personalNumber },
  userVisibleData: Buffer.from('Logga in på skolan').toString('base64'),
  returnRisk: false,
  orderRef: 'ref',
  autoStartToken: 'auto-secret',
  qrStartToken: 'qr-token',
  qrStartSecret: 'qr-secret',
  createdAt: 1_000,
  stage: 'awaiting-pickup',
  ...extra,
})

describe('pendingHint', () => {
  it('is outstandingTransaction, userMrtd or userSign by stage', () => {
    expect(pendingHint('awaiting-pickup')).toBe('outstandingTransaction')
    expect(pendingHint('awaiting-mrtd')).toBe('userMrtd')
    expect(pendingHint('awaiting-code')).toBe('userSign')
  })
})

describe('orderView', () => {
  it('shows the app what it needs and no tokens or secrets', () => {
    const view = orderView(order(), 3_500)
    expect(view).toEqual({
      orderRef: 'ref',
      type: 'sign',
      ageSeconds: 2,
      stage: 'awaiting-pickup',
      status: 'pending',
      hintCode: 'outstandingTransaction',
      requiredPersonalNumber: person.personalNumber,
      personalNumber: null,
      userVisibleText: 'Logga in på skolan',
      mrtd: false,
      endUserIp: '10.0.0.7',
    })
    expect(JSON.stringify(view)).not.toMatch(/secret|qr-token/)
  })

  it('an ended order shows its outcome: the hint code if failed, none if complete', () => {
    expect(orderView(order({ stage: 'ended', outcome: { status: 'failed', hintCode: 'userCancel' } }), 1_000)).toMatchObject({ status: 'failed', hintCode: 'userCancel' })
    expect(orderView(order({ stage: 'ended', outcome: { status: 'complete', completionData: {} } }), 1_000)).toMatchObject({ status: 'complete', hintCode: null })
  })
})

describe('completionData', () => {
  it("is BankID's shape, with the proof from the signer and the step-up and risk only when asked for", () => {
    const inputs: ProofInput[] = []
    const prove = (input: ProofInput) => {
      inputs.push(input)
      return { signature: 'SIG', ocspResponse: 'OCSP' }
    }
    const plain = completionData(order(), person, prove)
    expect(plain).toEqual({
      user: { personalNumber: person.personalNumber, name: 'Anna Andersson', givenName: 'Anna', surname: 'Andersson' },
      device: { ipAddress: '192.0.2.10', uhi: expect.any(String) },
      bankIdIssueDate: '2024-01-15Z',
      signature: 'SIG',
      ocspResponse: 'OCSP',
    })
    expect(inputs[0]).toMatchObject({ type: 'sign', personalNumber: person.personalNumber, givenName: 'Anna', surname: 'Andersson' })
    const full = completionData(order({ requirement: { mrtd: true }, returnRisk: true }), person, prove)
    expect(full).toMatchObject({ stepUp: { mrtd: true }, risk: 'low' })
  })
})

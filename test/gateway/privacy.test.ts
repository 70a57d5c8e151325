// The gateway's privacy audit (product.md §6, §9): a run of logins through a real gateway — every
// one with its own personnummer and name, ending in success, cancel, cancel in the app, a blocked
// BankID, or "already in progress" — with the gateway logging at debug. Then everything the
// gateway said (every log line, its metrics) is searched for every personnummer and name in every
// form the kiosk's own audit uses: zero hits. A control proves the search finds a planted one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mixPerson, nameForms, personnummerForms, SecretSearch } from '../support/session-mix'
import { authBody } from '../support/gateway'
import { Rig } from '../support/gateway-rig'

const LOGINS = Number(process.env.GATEWAY_PRIVACY_LOGINS ?? 60)
const SEED = 20_261_207
const PATHS = ['success', 'cancel', 'cancel-in-app', 'blocked', 'already-in-progress'] as const

let rig: Rig
beforeAll(async () => {
  rig = await Rig.start()
})
afterAll(() => rig.close())

describe(`the gateway after ${LOGINS} logins`, () => {
  const people = Array.from({ length: LOGINS }, (_, i) => mixPerson(SEED, i))

  it('plays every login to its end', { timeout: 120_000 }, async () => {
    const other = rig.gw.kioskClient('b')
    for (const [i, person] of people.entries()) {
      const path = PATHS[i % PATHS.length] as (typeof PATHS)[number]
      rig.sim.simulator.people.upsert(person)
      if (path === 'already-in-progress') {
        // Another reception already has an order for this person.
        const elsewhere = await other.auth(authBody(person.personalNumber))
        if (!elsewhere.ok) throw new Error('the other kiosk could not start')
        rig.session.dispatch({ type: 'begin' })
        rig.session.dispatch({ type: 'start', personnummer: person.personalNumber })
        await rig.step(0)
        expect(rig.screen()).toMatchObject({ name: 'failure', cause: 'already-in-progress' })
        await other.cancel(elsewhere.value.response.orderRef)
        rig.session.dispatch({ type: 'cancel' })
        await rig.step(0)
        continue
      } else {
        rig.session.dispatch({ type: 'begin' })
        rig.session.dispatch({ type: 'start', personnummer: person.personalNumber })
        await rig.step(0)
        if (path === 'cancel') {
          rig.session.dispatch({ type: 'cancel' })
          await rig.step(0)
          expect(rig.screen().name).toBe('welcome')
          continue
        }
        const ref = rig.scan()
        await rig.step(2_000)
        if (path === 'success') rig.sim.simulator.orders.enterSecurityCode(ref, person.securityCode)
        if (path === 'cancel-in-app') rig.sim.simulator.orders.cancelInApp(ref)
        if (path === 'blocked') for (let k = 0; k < 4; k++) rig.sim.simulator.orders.enterSecurityCode(ref, '000000')
        await rig.step(2_000)
        expect(rig.screen().name).toBe(path === 'success' ? 'logged-in' : 'failure')
        if (path === 'success') rig.session.dispatch({ type: 'done' })
        if (path === 'blocked') rig.sim.simulator.people.upsert(person) // unblocked for any later use
      }
      const screen = rig.screen()
      if (screen.name === 'failure') rig.session.dispatch({ type: 'cancel' }) // "Till början"
      await rig.step(0)
    }
    expect(rig.pending()).toEqual([])
  })

  it('logged the logins, and never a personnummer or a name', async () => {
    const secrets = people.flatMap((person) => [...personnummerForms(person.personalNumber), ...nameForms(person)])
    const search = new SecretSearch(secrets)
    // The search finds what it looks for.
    const someone = people[0] as (typeof people)[number]
    expect(search.find(`{"x":"${someone.personalNumber}","y":"${someone.givenName} ${someone.surname}"}`).length).toBeGreaterThanOrEqual(3)

    const log = rig.gw.logger.lines.join('\n')
    const ended = rig.gw.logger.entries().filter((entry) => entry.event === 'gateway.order.ended')
    expect(ended.length).toBeGreaterThanOrEqual(LOGINS - LOGINS / PATHS.length)
    expect(new Set(ended.map((entry) => entry.outcome))).toEqual(new Set(['complete', 'cancelled', 'userCancel', 'certificateErr']))
    expect(search.find(log)).toEqual([])
    const metrics = (await rig.gw.gateway.metrics.exposition()).body
    expect(metrics).toContain('bankid_gateway_orders_total')
    expect(search.find(metrics)).toEqual([])
  })
})

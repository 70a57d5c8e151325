import { describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../../../src/main/logging/logger'
import { RecentErrors, recordingErrors } from '../../../src/main/staff/recent-errors'

describe('recent errors for the staff screen', () => {
  it('keeps warnings and errors, newest first, with time, event and reference only', () => {
    let now = new Date('2026-11-24T09:00:00Z')
    const recent = new RecentErrors({ now: () => now })
    const memory = createMemoryLogger()
    const logger = recordingErrors(memory, recent)
    logger.info('session.start', { attempt: 1 })
    logger.debug('order.pending', {})
    logger.warn('bankid.failure', { cause: 'network', failure: 'network ECONNRESET', givenName: 'Leila' })
    now = new Date('2026-11-24T09:00:05Z')
    logger.error('service.out', { reference: 'B-503-maintenance', staffMessage: 'BankID 503 maintenance' })
    expect(recent.list()).toEqual([
      { at: '2026-11-24T09:00:05.000Z', level: 'error', event: 'service.out', reference: 'B-503-maintenance' },
      { at: '2026-11-24T09:00:00.000Z', level: 'warn', event: 'bankid.failure', reference: null },
    ])
    // Everything still reaches the log itself.
    expect(memory.entries().map((entry) => entry.event)).toEqual(['session.start', 'order.pending', 'bankid.failure', 'service.out'])
  })

  it('is a ring: only the newest `capacity` entries', () => {
    const recent = new RecentErrors({ capacity: 3 })
    for (let i = 0; i < 10; i++) recent.record('warn', `event-${i}`)
    expect(recent.list().map((entry) => entry.event)).toEqual(['event-9', 'event-8', 'event-7'])
    expect(() => new RecentErrors({ capacity: 0 })).toThrow(RangeError)
  })

  it('never keeps anything that could be personal: odd event names and references are replaced', () => {
    const recent = new RecentErrors()
    recent.record('warn', 'login 199001012385 failed', { reference: '199001012385' })
    recent.record('warn', 'Leila Bergström', { reference: 'Leila' })
    recent.record('error', 'x'.repeat(100), { reference: { nested: 'B-1' } })
    recent.record('error', 'ok.event', { reference: 'N-19900101-2385' })
    const text = JSON.stringify(recent.list())
    for (const secret of ['199001012385', '19900101', 'Leila', 'Bergström']) expect(text).not.toContain(secret)
    expect(recent.list().map(({ event, reference }) => [event, reference])).toEqual([
      ['ok.event', null],
      ['other', null],
      ['other', null],
      ['other', null],
    ])
  })
})

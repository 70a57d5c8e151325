// Valid Snapshot objects for renderer tests: every field of the contract, with overrides.
import type { Screen, Snapshot } from '../../src/shared/contract'
import { LANGUAGES } from '../../src/shared/languages'

export const SCHOOL = 'Solbackaskolan'
export const BANKS = ['Handelsbanken', 'Nordea', 'SEB', 'Swedbank'] as const
/** A QR frame as main sends it: a whole SVG document. */
export const QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="2" height="2" fill="#000"/></svg>'

let sequence = 0

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  sequence += 1
  return {
    sequence,
    screen: { name: 'welcome' },
    idleWarning: null,
    language: 'sv',
    languages: LANGUAGES,
    lowReach: false,
    mode: 'personnummer',
    schoolName: SCHOOL,
    branding: { primaryColor: '#1f3a5f', accentColor: '#ffd200' },
    banks: BANKS,
    staff: null,
    ...overrides,
  }
}

/** Screens with typical values; each takes overrides for its own fields. */
export const screens = {
  welcome: (): Extract<Screen, { name: 'welcome' }> => ({ name: 'welcome' }),
  keypad: (o: Partial<Extract<Screen, { name: 'keypad' }>> = {}): Extract<Screen, { name: 'keypad' }> => ({
    name: 'keypad',
    fault: null,
    ...o,
  }),
  starting: (o: Partial<Extract<Screen, { name: 'starting' }>> = {}): Extract<Screen, { name: 'starting' }> => ({
    name: 'starting',
    maskedPersonnummer: '19900101-••••',
    ...o,
  }),
  waiting: (o: Partial<Extract<Screen, { name: 'waiting' }>> = {}): Extract<Screen, { name: 'waiting' }> => ({
    name: 'waiting',
    qrSvg: QR_SVG,
    messageKey: 'bankid.rfa1',
    secondsLeft: 125,
    maskedPersonnummer: '19900101-••••',
    ...o,
  }),
  loggedIn: (o: Partial<Extract<Screen, { name: 'logged-in' }>> = {}): Extract<Screen, { name: 'logged-in' }> => ({
    name: 'logged-in',
    givenName: 'Astrid',
    secondsLeft: 10,
    secondsTotal: 10,
    ...o,
  }),
  failure: (o: Partial<Extract<Screen, { name: 'failure' }>> = {}): Extract<Screen, { name: 'failure' }> => ({
    name: 'failure',
    cause: 'timeout',
    messageKey: null,
    reference: 'K7-4Q2X',
    ...o,
  }),
  faq: (): Extract<Screen, { name: 'faq' }> => ({ name: 'faq' }),
  guide: (o: Partial<Extract<Screen, { name: 'guide' }>> = {}): Extract<Screen, { name: 'guide' }> => ({
    name: 'guide',
    installQrSvg: QR_SVG,
    ...o,
  }),
  outOfService: (
    o: Partial<Extract<Screen, { name: 'out-of-service' }>> = {},
  ): Extract<Screen, { name: 'out-of-service' }> => ({
    name: 'out-of-service',
    reference: 'OOS-91F3',
    staffMessage: 'BankID client certificate has expired',
    secondsToRetry: 25,
    ...o,
  }),
}

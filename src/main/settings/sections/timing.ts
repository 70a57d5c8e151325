// flow and timing: how a login starts, and how long the kiosk waits for BankID and for parents.
import type { FlowMode } from '../../../shared/contract'
import { sectionDocs } from '../documented'
import { decimalNumber, oneOf, section, wholeNumber } from './fields'

export const FLOW_MODES = ['personnummer', 'qr'] as const satisfies readonly FlowMode[]

export const flow = section({
  mode: oneOf(FLOW_MODES)
    .default('personnummer')
    .meta({
      description:
        'How a login starts. With `"personnummer"` the parent types their personnummer on the keypad first, and only ' +
        'the BankID of that person can complete the login. With `"qr"` the kiosk goes straight to the QR code: ' +
        'quicker, and BankID tells the kiosk who scanned it. Choose `"qr"` if typing the number is a hurdle for your ' +
        'parents.',
    }),
}).register(sectionDocs, {
  title: 'how a login starts',
  intro: 'What the parent does first at the kiosk: type their personnummer, or go straight to the QR code.',
})

export const timing = section({
  // BankID asks for a collect every 2 s and never more often than every 1 s; 1.5 is a fair wish.
  collectIntervalSeconds: decimalNumber(1, 10)
    .default(2)
    .meta({
      description:
        'How often, in seconds, the kiosk asks BankID whether the parent has scanned and confirmed yet. BankID ' +
        'recommends every 2 seconds and allows at most one question a second; a decimal such as `1.5` is allowed. ' +
        'Leave it at 2 unless BankID advises otherwise.',
    }),
  qrRestartWindowSeconds: wholeNumber(30, 1800)
    .default(180)
    .meta({
      description:
        'How long the QR code stays up waiting to be scanned. A BankID order expires after 30 seconds unscanned; ' +
        'within this time the kiosk renews it silently, so the parent sees one QR code throughout. When the time is ' +
        'up and nobody has scanned, the kiosk says so and asks whether anyone is still there.',
    }),
  orderTimeoutSeconds: wholeNumber(60, 600)
    .default(180)
    .meta({
      description:
        'How long the parent has, once they have scanned the QR code, to finish in the BankID app (enter their ' +
        'security code). After that the attempt ends and the parent is asked to try again.',
    }),
  idleSeconds: wholeNumber(15, 600)
    .default(60)
    .meta({
      description:
        'How long a screen may go untouched before the kiosk asks "Are you still there?". On the welcome screen ' +
        'nothing is asked: the language and the low-reach layout quietly go back to their defaults for the next ' +
        'parent. Lower it at a busy reception; raise it if parents need longer to read.',
    }),
  waitingIdleSeconds: wholeNumber(30, 1800)
    .default(180)
    .meta({
      description:
        'Like `timing.idleSeconds`, but while the QR code is up or the kiosk is waiting for BankID, when parents are ' +
        'busy with their phone rather than the screen; hence longer by default.',
    }),
  idleWarningSeconds: wholeNumber(5, 120)
    .default(20)
    .meta({
      description:
        'How long "Are you still there?" counts down before the kiosk gives up and goes back to the welcome screen. ' +
        'A touch anywhere stops the countdown.',
    }),
  loggedInSeconds: wholeNumber(3, 60)
    .default(8)
    .meta({
      description:
        'How long the "You are logged in" screen stays up before the kiosk gets ready for the next parent.',
    }),
  outOfServiceRetrySeconds: wholeNumber(5, 600)
    .default(30)
    .meta({
      description:
        'While the kiosk is out of service because BankID cannot be reached, how often it tries BankID again. It ' +
        'goes back to the welcome screen by itself as soon as BankID answers.',
    }),
  serviceFailuresBeforeOutOfService: wholeNumber(1, 20)
    .default(3)
    .meta({
      description:
        'How many logins in a row may fail because BankID cannot be reached (network or BankID down) before the ' +
        'kiosk goes out of service. Until then each parent sees a message and may try again; any answer from BankID ' +
        'starts the count afresh.',
    }),
}).register(sectionDocs, {
  title: 'timers',
  intro:
    'How long the kiosk waits, in seconds, for BankID and for parents. The defaults follow BankID\'s ' +
    'recommendations and suit most receptions; change them to fit how your reception works, for example longer ' +
    'idle times where parents often need help from staff.',
})

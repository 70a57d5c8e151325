// staff (product.md §2.10): the staff screen's PIN.
import { z } from 'zod'
import { parsePinHash } from '../pin-hash-format'
import { sectionDocs } from '../documented'
import { section } from './fields'

const pinHash = z.string({ error: 'must be the line made by "npm run staff-pin", in quotes' }).superRefine((value, ctx) => {
  const parsed = parsePinHash(value)
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem })
})

export const staff = section({
  pinHash: pinHash.optional().meta({
    description:
      'The staff PIN (6 to 12 digits), as a hash: never the PIN itself. Make the line with `npm run staff-pin` ' +
      '(it asks for the PIN without showing it) and paste it here. Left out, the staff screen cannot be opened. ' +
      'Five wrong PINs in a row lock the PIN pad for 5 minutes, each later lock twice as long, at most an hour; ' +
      'the lock survives a restart (staff-lockout.json in the data folder). A hash made earlier for a 4- or ' +
      '5-digit PIN still opens the screen but logs staff.pin-too-short: make a new one.',
    examples: ['scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g='],
  }),
  allowExit: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .meta({
      description:
        'Whether the staff screen offers a button that closes the kiosk program (for maintenance on the computer). ' +
        'Off by default: on a locked-down terminal the kiosk should only ever be closed by IT.',
    }),
}).register(sectionDocs, {
  title: 'the staff screen',
  intro:
    'A screen for reception and IT staff, opened by a hidden gesture and a PIN: the version, the settings, the ' +
    'certificate, recent errors (never anything about a parent), today\'s logins and a test of the BankID ' +
    'connection. To open it, tap the school\'s name at the top of the screen five times within three seconds ' +
    '(or press Ctrl+Alt+S on a keyboard) and enter the PIN. It closes itself after two minutes untouched.',
})

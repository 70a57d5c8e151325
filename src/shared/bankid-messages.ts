// The status and error messages BankID recommends (its RFA list, reference §5), as message keys.
// Main decides which one applies; the renderer's catalogues hold the words, in every language.
// There is deliberately no RFA13 ("trying to start the BankID app"): the kiosk has no BankID app.

export const BANKID_MESSAGE_KEYS = [
  /** Start the BankID app and scan the QR code (waiting for the scan). */
  'bankid.rfa1',
  /** The action was cancelled (a new order for the same person arrived). */
  'bankid.rfa3',
  /** An identification for this personal number is already in progress. */
  'bankid.rfa4',
  /** Something went wrong (BankID's internal error, a timeout); try again. */
  'bankid.rfa5',
  /** The action was cancelled (in the app). */
  'bankid.rfa6',
  /** The BankID app is not responding; check it is online, try again. */
  'bankid.rfa8',
  /** Enter your security code in the BankID app and choose Identify. */
  'bankid.rfa9',
  /** Searching for BankID (the app was started on a phone). */
  'bankid.rfa15b',
  /** The BankID is blocked or too old; get a new one from your bank. */
  'bankid.rfa16',
  /** Scanning the QR code failed; start the app and scan again. */
  'bankid.rfa17b',
  /** Identification in progress (a pending code we do not know). */
  'bankid.rfa21',
  /** Something went wrong (a code we do not know); try again. */
  'bankid.rfa22',
  /** Photograph your passport or ID card with the BankID app. */
  'bankid.rfa23',
  /** The BankID app on the phone is too old for this; update it. */
  'bankid.appTooOld',
  /** BankID's risk check stopped this login. */
  'bankid.riskBlocked',
] as const

export type BankIdMessageKey = (typeof BANKID_MESSAGE_KEYS)[number]

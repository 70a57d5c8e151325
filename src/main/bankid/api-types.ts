// The BankID RP API v6 wire format: requests we send and responses we accept, as zod schemas
// with the TypeScript types derived from them. Field names, limits and enums follow
// ../shared/reference/bankid-rp-v6.md §2–§4; the section is noted where a limit comes from.
import { z } from 'zod'

const base64 = (min: number, max: number) =>
  z
    .base64()
    .min(min)
    .max(max, { message: `at most ${max} base64 characters` })

/** §2.2 — restricts who and how; `personalNumber` here only pins who may complete the order. */
export const requirementSchema = z.strictObject({
  pinCode: z.boolean().optional(),
  mrtd: z.boolean().optional(),
  cardReader: z.enum(['class1', 'class2']).optional(),
  certificatePolicies: z
    .array(
      z.string().regex(/^(\d+(\.\d+)+|\d+(\.\d+){3,}\.\*)$/, {
        message: 'an OID; a * is allowed from the fifth component on',
      }),
    )
    .min(1)
    .optional(),
  personalNumber: z
    .string()
    .regex(/^\d{12}$/, { message: '12 digits' })
    .optional(),
})

/** §2.1 — device data for a web client; give at least one member. */
export const webDeviceSchema = z
  .strictObject({
    deviceIdentifier: z.string().min(1).max(64).optional(),
    referringDomain: z
      .string()
      .min(3)
      .max(253)
      .regex(/^[0-9a-z.-]+$/, { message: 'a domain in lowercase or punycode' })
      .optional(),
    userAgent: z.string().min(1).max(256).optional(),
  })
  .refine((web) => Object.keys(web).length > 0, { message: 'give at least one member' })

/** §2.1 — device data for an app client; give at least one member. */
export const appDeviceSchema = z
  .strictObject({
    appIdentifier: z.string().min(1).max(256).optional(),
    deviceOS: z.string().min(1).max(256).optional(),
    deviceModelName: z.string().min(1).max(256).optional(),
    deviceIdentifier: z.string().min(1).max(64).optional(),
  })
  .refine((app) => Object.keys(app).length > 0, { message: 'give at least one member' })

const orderRequestFields = {
  endUserIp: z.union([z.ipv4(), z.ipv6()], { message: 'an IPv4 or IPv6 address' }),
  userVisibleDataFormat: z.enum(['simpleMarkdownV1', 'plaintext']).optional(),
  returnUrl: z.string().min(1).max(512).optional(),
  returnRisk: z.boolean().optional(),
  requirement: requirementSchema.optional(),
  web: webDeviceSchema.optional(),
  app: appDeviceSchema.optional(),
}

const webXorApp = (request: { web?: unknown; app?: unknown }) => !(request.web && request.app)
const webXorAppMessage = { message: 'send either web or app device data, not both', path: ['app'] }

/**
 * POST /auth. There is deliberately no top-level `personalNumber`: v6 removed it (§8); the strict
 * object makes sending one a validation error instead of a silently ignored field.
 */
export const authRequestSchema = z
  .strictObject({
    ...orderRequestFields,
    userVisibleData: base64(1, 1_500).optional(),
    userNonVisibleData: base64(1, 1_500).optional(),
  })
  .refine(webXorApp, webXorAppMessage)

/** POST /sign: like /auth, but the text to sign is mandatory and may be longer. */
export const signRequestSchema = z
  .strictObject({
    ...orderRequestFields,
    userVisibleData: base64(1, 40_000),
    userNonVisibleData: base64(1, 200_000).optional(),
  })
  .refine(webXorApp, webXorAppMessage)

export type Requirement = z.infer<typeof requirementSchema>
export type WebDeviceData = z.infer<typeof webDeviceSchema>
export type AppDeviceData = z.infer<typeof appDeviceSchema>
export type AuthRequest = z.input<typeof authRequestSchema>
export type SignRequest = z.input<typeof signRequestSchema>

/** Response of /auth and /sign (§2.1). */
export const orderResponseSchema = z.object({
  orderRef: z.string().min(1).max(256),
  autoStartToken: z.string().min(1).max(256),
  qrStartToken: z.string().min(1).max(256),
  qrStartSecret: z.string().min(1).max(256),
})
export type OrderResponse = z.infer<typeof orderResponseSchema>

/** §3.1, §3.2 — the codes we know; BankID may add others at any time, so hintCode stays a string. */
export const PENDING_HINT_CODES = [
  'outstandingTransaction',
  'noClient',
  'started',
  'userMrtd',
  'userCallConfirm',
  'userSign',
  'processing',
] as const
export const FAILED_HINT_CODES = [
  'expiredTransaction',
  'certificateErr',
  'userCancel',
  'cancelled',
  'startFailed',
  'userDeclinedCall',
  'notSupportedByUserApp',
  'transactionRiskBlocked',
] as const
export type PendingHintCode = (typeof PENDING_HINT_CODES)[number]
export type FailedHintCode = (typeof FAILED_HINT_CODES)[number]

export const isPendingHintCode = (code: string): code is PendingHintCode =>
  (PENDING_HINT_CODES as readonly string[]).includes(code)
export const isFailedHintCode = (code: string): code is FailedHintCode =>
  (FAILED_HINT_CODES as readonly string[]).includes(code)

/** §3.3 — unknown members are dropped, missing optional ones tolerated. */
export const completionDataSchema = z.object({
  user: z.object({
    personalNumber: z.string().regex(/^\d{12}$/),
    name: z.string(),
    givenName: z.string(),
    surname: z.string(),
  }),
  device: z.object({
    ipAddress: z.string(),
    uhi: z.string().optional(),
  }),
  bankIdIssueDate: z.string().optional(),
  stepUp: z.object({ mrtd: z.boolean() }).optional(),
  signature: z.base64(),
  ocspResponse: z.base64(),
  risk: z.enum(['low', 'moderate', 'high']).optional(),
})
export type CompletionData = z.infer<typeof completionDataSchema>

// A hint code is a short camelCase identifier; anything else is not BankID talking.
const hintCode = z.string().regex(/^[A-Za-z0-9_]{1,64}$/)

/** §2.5 — hintCode only with pending/failed, completionData only with complete. */
export const collectResponseSchema = z.discriminatedUnion('status', [
  z.object({ orderRef: z.string().min(1), status: z.literal('pending'), hintCode: hintCode.optional() }),
  z.object({ orderRef: z.string().min(1), status: z.literal('failed'), hintCode }),
  z.object({
    orderRef: z.string().min(1),
    status: z.literal('complete'),
    completionData: completionDataSchema,
    /**
     * Not BankID's: the municipality's gateway (product.md §9) adds what it got from the school's
     * service when it handed the login off itself. Checked by the hand-off port, not here: a broken
     * one fails the hand-off, not BankID's answer.
     */
    handoff: z.unknown().optional(),
  }),
])
export type CollectResponse = z.infer<typeof collectResponseSchema>

/** §2.6 — BankID answers a cancel with exactly `{}`. */
export const cancelResponseSchema = z.strictObject({})

/** §4 — the body of every non-200 answer. */
export const errorResponseSchema = z.object({
  errorCode: z.string().min(1).max(128),
  details: z.string().max(10_000).optional(),
})

export type BankIdEndpoint = 'auth' | 'sign' | 'collect' | 'cancel'

// How the simulator judges an /auth or /sign body, written from the reference (§2, §4, §11) and
// independently of the client's own schemas, so a client bug is not mirrored here. The texts in
// `details` are the ones BankID's live test server sends where they are known (§4).
import { isIP } from 'node:net'
import type { NewOrder, OrderRequirement, OrderType } from './order-book'

export type Validation = { ok: true; order: Omit<NewOrder, 'clientId'> } | { ok: false; details: string }

const TOP_LEVEL_KEYS = new Set([
  'endUserIp',
  'userVisibleData',
  'userNonVisibleData',
  'userVisibleDataFormat',
  'returnUrl',
  'returnRisk',
  'requirement',
  'web',
  'app',
])
const REQUIREMENT_KEYS = new Set(['pinCode', 'mrtd', 'cardReader', 'certificatePolicies', 'personalNumber'])
const WEB_LIMITS: Record<string, number> = { deviceIdentifier: 64, referringDomain: 253, userAgent: 256 }
/** §2.2: an OID, with one `*` allowed from the fifth component on (e.g. 1.2.752.78.*). */
const CERTIFICATE_POLICY = /^(\d+(\.\d+)+|\d+(\.\d+){3,}\.\*)$/
const APP_LIMITS: Record<string, number> = { appIdentifier: 256, deviceOS: 256, deviceModelName: 256, deviceIdentifier: 64 }
const LIMITS = {
  auth: { visible: 1_500, nonVisible: 1_500 },
  sign: { visible: 40_000, nonVisible: 200_000 },
}
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isBase64Within = (value: unknown, max: number) =>
  typeof value === 'string' && value.length >= 1 && value.length <= max && BASE64.test(value)

export function validateOrderRequest(type: OrderType, body: unknown): Validation {
  const invalid = (details: string): Validation => ({ ok: false, details })
  if (!isRecord(body)) return invalid('Invalid request')
  // v6 has no top-level personalNumber (§8): a client still sending one is told so.
  // The key is echoed, shortened: a client's 100 kB key name is not sent back (nor logged) whole.
  for (const key of Object.keys(body)) if (!TOP_LEVEL_KEYS.has(key)) return invalid(`Invalid parameter: ${key.slice(0, 64)}`)

  if (typeof body.endUserIp !== 'string' || isIP(body.endUserIp) === 0) return invalid('Invalid endUserIp')

  const limits = LIMITS[type]
  if (type === 'sign' || body.userVisibleData !== undefined) {
    if (!isBase64Within(body.userVisibleData, limits.visible)) return invalid('Invalid userVisibleData')
  }
  if (body.userNonVisibleData !== undefined) {
    if (body.userVisibleData === undefined) return invalid('userNonVisible data requires userVisibleData')
    if (!isBase64Within(body.userNonVisibleData, limits.nonVisible)) return invalid('Invalid userNonVisibleData')
  }
  if (body.userVisibleDataFormat !== undefined && !(body.userVisibleDataFormat === 'simpleMarkdownV1' || body.userVisibleDataFormat === 'plaintext')) {
    return invalid('Invalid userVisibleDataFormat')
  }
  if (body.returnUrl !== undefined && !(typeof body.returnUrl === 'string' && body.returnUrl.length >= 1 && body.returnUrl.length <= 512)) {
    return invalid('Invalid returnUrl')
  }
  if (body.returnRisk !== undefined && typeof body.returnRisk !== 'boolean') return invalid('Invalid returnRisk')
  if (body.web !== undefined && body.app !== undefined) return invalid('Invalid request: give web or app, not both')
  if (body.web !== undefined && !isDeviceData(body.web, WEB_LIMITS)) return invalid('Invalid web')
  if (body.app !== undefined && !isDeviceData(body.app, APP_LIMITS)) return invalid('Invalid app')

  const requirement = validateRequirement(body.requirement)
  if (typeof requirement === 'string') return invalid(requirement)

  return {
    ok: true,
    order: {
      type,
      endUserIp: body.endUserIp,
      requirement,
      userVisibleData: body.userVisibleData as string | undefined,
      userNonVisibleData: body.userNonVisibleData as string | undefined,
      returnRisk: body.returnRisk === true,
    },
  }
}

function isDeviceData(value: unknown, limits: Record<string, number>): boolean {
  if (!isRecord(value)) return false
  const entries = Object.entries(value)
  return (
    entries.length > 0 &&
    entries.every(([key, member]) => {
      // Own keys only: "constructor" or "__proto__" is not a member with a limit.
      const max = Object.hasOwn(limits, key) ? limits[key] : undefined
      if (max === undefined || typeof member !== 'string' || member.length < 1 || member.length > max) return false
      // §2.1: the registrable domain, lowercase or punycode, 3–253 characters.
      return key !== 'referringDomain' || /^[0-9a-z.-]{3,253}$/.test(member)
    })
  )
}

/** Returns the requirement, or the `details` text for what is wrong with it. */
function validateRequirement(value: unknown): OrderRequirement | string {
  if (value === undefined) return {}
  if (!isRecord(value)) return 'Invalid requirement'
  for (const key of Object.keys(value)) if (!REQUIREMENT_KEYS.has(key)) return 'Invalid requirement'
  const { pinCode, mrtd, cardReader, certificatePolicies, personalNumber } = value
  if (pinCode !== undefined && typeof pinCode !== 'boolean') return 'Invalid requirement'
  if (mrtd !== undefined && typeof mrtd !== 'boolean') return 'Invalid requirement'
  if (cardReader !== undefined && cardReader !== 'class1' && cardReader !== 'class2') return 'Invalid requirement'
  if (
    certificatePolicies !== undefined &&
    !(
      Array.isArray(certificatePolicies) &&
      certificatePolicies.length > 0 &&
      certificatePolicies.every((oid) => typeof oid === 'string' && CERTIFICATE_POLICY.test(oid))
    )
  ) {
    return 'Invalid requirement'
  }
  if (personalNumber !== undefined && !(typeof personalNumber === 'string' && /^\d{12}$/.test(personalNumber))) {
    return 'Incorrect personalNumber'
  }
  return {
    ...(typeof personalNumber === 'string' ? { personalNumber } : {}),
    ...(typeof mrtd === 'boolean' ? { mrtd } : {}),
    ...(typeof pinCode === 'boolean' ? { pinCode } : {}),
  }
}

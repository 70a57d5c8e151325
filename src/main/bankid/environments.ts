// BankID's environments: where each API lives and which root CA vouches for its servers.
import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BankIdEnvironment } from '../settings/schema'

/**
 * The environments are the settings' (bankid.environment). `custom` is any RP API v6 endpoint the
 * settings name with its own CA: in practice the municipality's BankID gateway (product.md §9),
 * which holds the RP certificate instead of the kiosk.
 */
export type { BankIdEnvironment }
/** BankID's own services, whose URL and root CA are fixed. */
export type PublicEnvironment = Exclude<BankIdEnvironment, 'simulator' | 'custom'>

export interface PublicBankIdEnvironment {
  baseUrl: string
  /** File under resources/ holding the environment's BankID SSL root CA. */
  caFile: string
  /** The CA's SHA-256 fingerprint as the reference gives it; the file must match it exactly. */
  caSha256: string
}

/** Reference §1. The simulator's URL and CA are only known once it runs. */
export const PUBLIC_ENVIRONMENTS: Record<PublicEnvironment, PublicBankIdEnvironment> = {
  production: {
    baseUrl: 'https://appapi2.bankid.com/rp/v6.0/',
    caFile: 'bankid-ca/production.pem',
    caSha256:
      'E6:A2:D4:5C:0A:10:51:C9:59:42:86:49:F8:6A:09:A9:B2:15:2C:D5:51:99:3C:C2:EB:4C:F0:94:BD:AC:BE:CB',
  },
  test: {
    baseUrl: 'https://appapi2.test.bankid.com/rp/v6.0/',
    caFile: 'bankid-ca/test.pem',
    caSha256:
      'F3:D0:74:0E:BF:B3:70:0E:3B:81:AA:79:1F:EE:45:14:72:69:8C:84:E1:99:C2:EB:48:A4:43:FF:1D:5B:40:5C',
  },
}

/**
 * Reads an environment's root CA from the resources folder and refuses it unless it is exactly
 * the certificate the reference names: a swapped file must stop the kiosk, not be trusted.
 */
export async function loadBankIdRootCa(
  resourcesDir: string,
  environment: PublicEnvironment,
): Promise<string> {
  const { caFile, caSha256 } = PUBLIC_ENVIRONMENTS[environment]
  const path = join(resourcesDir, caFile)
  const pem = await readFile(path, 'utf8')
  const fingerprint = new X509Certificate(pem).fingerprint256
  if (fingerprint !== caSha256) {
    throw new Error(`${path} is not BankID's ${environment} root CA (SHA-256 ${fingerprint}, expected ${caSha256})`)
  }
  return pem
}

/** Mobile BankID only: a QR can only be scanned by the app (reference §6, §10.9). */
export const MOBILE_BANKID_POLICY: Record<PublicEnvironment, string> = {
  production: '1.2.752.78.1.5',
  test: '1.2.3.4.25',
}

/** The host (and port, when not 443) of an endpoint's URL, for staff and health reports: never a path or query. */
export function endpointHost(baseUrl: string): string {
  return URL.canParse(baseUrl) ? new URL(baseUrl).host : ''
}

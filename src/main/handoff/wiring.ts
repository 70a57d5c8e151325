// Puts the hand-off together from the settings (runtime.ts calls this): the client, the session's
// port to it, and the origins the locked view may show (for the CSP and Electron's frame policy).
import { hostname } from 'node:os'
import type { BankIdEnvironment } from '../bankid/environments'
import type { HandoffCredentials } from './credentials'
import type { KioskSettings } from '../settings/schema'
import type { HandoffPort } from '../session/kiosk-session'
import type { HandoffLog } from './client'
import { HandoffClient } from './client'
import { gatewayHandoffPort } from './gateway-port'

export interface HandoffWiring {
  port: HandoffPort
  /** The locked view's origins: the frame-src of the kiosk page's CSP, and nothing else may be framed. */
  frameOrigins: readonly string[]
  close(): void
}

/** handoff.kioskId, else the computer's name in the same alphabet (else "kiosk"). */
export function kioskIdFor(configured: string | undefined, computerName = hostname()): string {
  if (configured !== undefined) return configured
  const cleaned = computerName.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64)
  return cleaned === '' ? 'kiosk' : cleaned
}

/** Null when the hand-off is off (or, defensively, when its credentials were not loaded). */
export function createHandoff(
  settings: KioskSettings['handoff'],
  credentials: HandoffCredentials | null | undefined,
  log: HandoffLog,
  environment: BankIdEnvironment,
): HandoffWiring | null {
  if (settings.enabled && settings.auth === 'gateway') {
    return {
      port: gatewayHandoffPort({ allowedOrigins: settings.allowedOrigins, messageMs: settings.messageSeconds * 1000 }),
      frameOrigins: settings.allowedOrigins,
      close: () => undefined,
    }
  }
  if (!settings.enabled || settings.url === undefined || !credentials) return null
  const client = new HandoffClient({
    url: settings.url,
    auth: credentials.auth,
    caPem: credentials.caPem,
    timeoutMs: settings.timeoutSeconds * 1000,
    allowedOrigins: settings.allowedOrigins,
    kioskId: kioskIdFor(settings.kioskId),
    environment,
    log,
  })
  return {
    port: {
      deliver: (completion, options) => client.deliver(completion, options),
      messageMs: settings.messageSeconds * 1000,
    },
    frameOrigins: settings.allowedOrigins,
    close: () => client.close(),
  }
}

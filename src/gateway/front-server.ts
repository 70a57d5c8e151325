// The kiosks' front: HTTPS with mutual TLS, BankID's RP API v6 paths and rules (POST only, the
// exact JSON media type, BankID's error bodies). The handshake asks for a client certificate but
// does not insist, so that a kiosk without one, or with one the kiosk CA did not issue, or a
// revoked one, gets the error body BankID would give (401 unauthorized) and the log says which
// certificate it was, instead of a bare handshake failure nobody can read.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { PeerCertificate, TLSSocket } from 'node:tls'
import type { RpCredentials } from '../main/bankid/transport'
import { RP_API_PATH, parseJson, pathOf, readBody, readRpRequest, sendError, sendJson } from '../main/simulator/rp-server'
import type { RevocationList } from './revocations'
import { isRevoked } from './revocations'
import type { FrontEndpoint, KioskPeer, RpFront } from './rp-front'

const ROUTES = new Map<string, FrontEndpoint>(
  (['auth', 'sign', 'collect', 'cancel'] as const).map((endpoint) => [`${RP_API_PATH}${endpoint}`, endpoint]),
)
/** The largest /sign a kiosk could send (40 000 + 200 000 base64 characters), with room for JSON. */
const MAX_BODY_BYTES = 256 * 1024

export interface FrontServerOptions {
  front: RpFront
  /** The gateway's own TLS certificate, which kiosks check against their bankid.ca. */
  serverCredentials: RpCredentials
  /** The kiosk CA: the only issuer of client certificates the gateway serves. */
  kioskCaPem: string
  revocations: () => RevocationList
  keepAliveMs: number
}

export function createFrontServer(options: FrontServerOptions): Server {
  const credentials = options.serverCredentials
  const server = createServer(
    {
      ...(credentials.kind === 'pkcs12' ? { pfx: credentials.pfx } : { cert: credentials.cert, key: credentials.key }),
      ...(credentials.passphrase === undefined ? {} : { passphrase: credentials.passphrase }),
      ca: options.kioskCaPem,
      requestCert: true,
      // Checked per request below, so that the refusal is BankID's error body and a log line.
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      // How often Node enforces the two timeouts below (by default every 30 s, which let a stalled
      // request hold its connection for up to 35 s instead of 5).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'internalError', 'Internal error')
      })
    },
  )
  server.keepAliveTimeout = options.keepAliveMs
  // A slow or stalled client cannot hold a connection: headers within 5 s, the whole request within 10 s.
  server.headersTimeout = 5_000
  server.requestTimeout = 10_000

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket as TLSSocket
    const certificate = socket.getPeerCertificate()
    const address = socket.remoteAddress ?? ''
    if (!certificate || Object.keys(certificate).length === 0) {
      await drain(req)
      return answer(res, options.front.refuse('no-certificate', { address }, 401, 'unauthorized', 'A kiosk certificate is required'))
    }
    const peer = peerOf(certificate, address)
    if (!socket.authorized) {
      await drain(req)
      // Not named by its CN in the log: anyone can put a real kiosk's name in a certificate of their own.
      const stranger = { id: 'untrusted', fingerprint: peer.fingerprint, address }
      return answer(
        res,
        options.front.refuse('untrusted-certificate', stranger, 401, 'unauthorized', 'The kiosk certificate is not from the kiosk CA'),
      )
    }

    const endpoint = ROUTES.get(pathOf(req.url))
    if (isRevoked(options.revocations(), { serialNumber: peer.serialNumber, fingerprint256: peer.fingerprint })) {
      // Shut out whatever it asks; an order it names is cancelled at BankID first.
      const text = await readBody(req, MAX_BODY_BYTES)
      return answer(res, await options.front.refuseRevoked(endpoint ?? null, text === undefined ? undefined : parseJson(text), peer))
    }
    // As BankID answers: 404, 405, 415 or 400 before the endpoint sees anything.
    const body = await readRpRequest(req, res, endpoint, MAX_BODY_BYTES)
    if (body === undefined || !endpoint) return
    answer(res, await options.front.handle(endpoint, body, peer))
  }

  return server
}

function answer(res: ServerResponse, reply: { status: number; body: unknown; headers?: Record<string, string> }): void {
  sendJson(res, reply.status, reply.body, reply.headers)
}

/** Reads and drops a refused request's body, so the connection answers cleanly (bounded by requestTimeout). */
async function drain(req: IncomingMessage): Promise<void> {
  await readBody(req, MAX_BODY_BYTES)
}

/** The kiosk's name for logs and metrics: its certificate's CN in a safe alphabet, else a fingerprint prefix. */
export function peerOf(certificate: PeerCertificate, address: string): KioskPeer {
  const fingerprint = certificate.fingerprint256 ?? ''
  const cn = typeof certificate.subject?.CN === 'string' ? certificate.subject.CN : ''
  const cleaned = cn.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64)
  return {
    id: cleaned === '' ? `kiosk-${fingerprint.replace(/:/g, '').slice(0, 12).toLowerCase()}` : cleaned,
    fingerprint,
    serialNumber: certificate.serialNumber ?? '',
    address,
  }
}

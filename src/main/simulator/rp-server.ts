// The simulator's RP API: HTTPS with mutual TLS on loopback, answering like BankID's v6 servers —
// POST only, exact JSON media type, BankID's error bodies — with injected faults applied first.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { Clock } from '../clock'
import type { FaultEndpoint, FaultSpec, FaultTable } from './faults'
import type { OrderBook } from './order-book'
import { validateOrderRequest } from './request-validation'

export const RP_API_PATH = '/rp/v6.0/'
const ROUTES = new Map<string, FaultEndpoint>(
  (['auth', 'sign', 'collect', 'cancel'] as const).map((endpoint) => [`${RP_API_PATH}${endpoint}`, endpoint]),
)
// Big enough for the largest /sign (40 000 + 200 000 base64 characters), small enough to refuse abuse.
export const MAX_BODY_BYTES = 512 * 1024

export interface RequestRecord {
  endpoint: FaultEndpoint
  /** Simulator clock, when the request had been read. */
  at: number
  orderRef: string | null
  status: number | null
  fault: FaultSpec['kind'] | null
}

/** What the RP API has been asked, for tests and the benchmark (cadence, retries). No personal data. */
export class RequestLog {
  readonly #records: RequestRecord[] = []
  readonly #max: number
  constructor(max = 5_000) {
    this.#max = max
  }
  add(record: RequestRecord): RequestRecord {
    this.#records.push(record)
    if (this.#records.length > this.#max) this.#records.shift()
    return record
  }
  list(filter?: { endpoint?: FaultEndpoint; orderRef?: string }): RequestRecord[] {
    return this.#records.filter(
      (record) =>
        (filter?.endpoint === undefined || record.endpoint === filter.endpoint) &&
        (filter?.orderRef === undefined || record.orderRef === filter.orderRef),
    )
  }
  clear(): void {
    this.#records.length = 0
  }
}

export interface RpServerOptions {
  key: string
  cert: string
  /** The RP CA: a client certificate from anyone else is refused in the handshake. */
  clientCaPem: string
  orders: OrderBook
  faults: FaultTable
  log: RequestLog
  clock: Clock
}

export interface RpServer {
  server: Server
  /** Stops delayed answers and closes every connection, hung ones included. */
  close(): Promise<void>
}

export function createRpServer(options: RpServerOptions): RpServer {
  const delayed = new Set<NodeJS.Timeout>()
  const server = createServer(
    {
      key: options.key,
      cert: options.cert,
      ca: options.clientCaPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'internalError', 'Internal error')
      })
    },
  )

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const endpoint = ROUTES.get(pathOf(req.url))
    const body = await readRpRequest(req, res, endpoint)
    if (body === undefined || !endpoint) return

    const orderRef = isRecord(body) && typeof body.orderRef === 'string' ? body.orderRef : null
    const fault = options.faults.take(endpoint, orderRef ?? undefined)
    const record = options.log.add({ endpoint, at: options.clock.now(), orderRef, status: null, fault: fault?.kind ?? null })
    res.on('finish', () => (record.status = res.statusCode))
    res.on('order-created', (createdRef: string) => (record.orderRef = createdRef))

    if (fault) {
      const handled = await applyFault(fault, req, res, orderRef)
      if (handled) return
    }
    answer(endpoint, body, clientIdOf(req), res)
  }

  function answer(endpoint: FaultEndpoint, body: unknown, clientId: string, res: ServerResponse): void {
    if (endpoint === 'auth' || endpoint === 'sign') {
      const validation = validateOrderRequest(endpoint, body)
      if (!validation.ok) return sendError(res, 400, 'invalidParameters', validation.details)
      const created = options.orders.create({ ...validation.order, clientId })
      if (!created.ok) return sendError(res, 400, created.error.errorCode, created.error.details)
      res.emit('order-created', created.value.orderRef)
      return sendJson(res, 200, created.value)
    }
    if (!isRecord(body) || typeof body.orderRef !== 'string' || Object.keys(body).length !== 1) {
      return sendError(res, 400, 'invalidParameters', 'Invalid orderRef')
    }
    const result =
      endpoint === 'collect'
        ? options.orders.collect(body.orderRef, clientId)
        : options.orders.cancel(body.orderRef, clientId)
    if (!result.ok) return sendError(res, 400, result.error.errorCode, result.error.details)
    sendJson(res, 200, result.value)
  }

  /** Returns true when the fault produced the whole answer (or none at all). */
  async function applyFault(
    fault: FaultSpec,
    req: IncomingMessage,
    res: ServerResponse,
    orderRef: string | null,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'internalError':
        sendError(res, 500, 'internalError', 'Internal error')
        return true
      case 'maintenance':
        sendError(res, 503, 'maintenance', 'Service temporarily unavailable')
        return true
      case 'requestTimeout':
        sendError(res, 408, 'requestTimeout', 'Request timeout')
        return true
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            delayed.delete(timer)
            resolve()
          }, fault.delayMs)
          delayed.add(timer)
        })
        return res.destroyed
      case 'hang':
        return true
      case 'drop':
        req.socket.destroy()
        return true
      case 'malformedJson':
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"orderRef": "') // cut off mid-string, as a broken proxy or a crash would
        return true
      case 'hintCode':
        if (orderRef === null) return false
        if (fault.status === 'failed') options.orders.failOrder(orderRef, fault.hintCode)
        sendJson(res, 200, { orderRef, status: fault.status, hintCode: fault.hintCode })
        return true
      case 'errorResponse':
        sendError(res, fault.httpStatus, fault.errorCode, 'Injected by the simulator')
        return true
    }
  }

  async function close(): Promise<void> {
    for (const timer of delayed) clearTimeout(timer)
    delayed.clear()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  return { server, close }
}

/**
 * BankID's rules for any request (§4): a known path (404), POST (405), exactly `application/json`
 * (415, a charset parameter included), a JSON body within the limit (400). Answers the refusal
 * itself and returns undefined; otherwise the parsed body. Shared with the gateway's front.
 */
export async function readRpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: string | undefined,
  maxBytes = MAX_BODY_BYTES,
): Promise<unknown> {
  if (!endpoint) return sendError(res, 404, 'notFound', 'Not found')
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST')
    return sendError(res, 405, 'methodNotAllowed', 'Method not allowed')
  }
  if ((req.headers['content-type'] ?? '').trim().toLowerCase() !== 'application/json') {
    return sendError(res, 415, 'unsupportedMediaType', 'Unsupported media type')
  }
  const text = await readBody(req, maxBytes)
  const body = text === undefined ? undefined : parseJson(text)
  if (body === undefined) sendError(res, 400, 'invalidParameters', 'Invalid request')
  return body
}

export function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'https://localhost').pathname
  } catch {
    return ''
  }
}

function clientIdOf(req: IncomingMessage): string {
  return (req.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? 'unknown'
}

/** The body as text, or undefined when it is over maxBytes or the request broke. */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(undefined))
  })
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

export function sendError(res: ServerResponse, status: number, errorCode: string, details: string): void {
  sendJson(res, status, { errorCode, details })
}

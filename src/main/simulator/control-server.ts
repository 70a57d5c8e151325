// The simulator's loopback control side: the simulated BankID app (a web page a person can use
// to scan, type a security code, approve or cancel) and the JSON API behind it that tests use to
// drive orders and inject faults. Plain HTTP on 127.0.0.1 only; no CORS, a Host check against
// DNS rebinding, and JSON-only POSTs so another web page in the same browser cannot drive it.
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { z } from 'zod'
import { APP_PAGE_CSS, APP_PAGE_HTML, APP_PAGE_JS } from './app-page'
import type { FaultTable } from './faults'
import { faultRuleInputSchema } from './faults'
import type { OrderBook } from './order-book'
import type { PeopleRegistry } from './people'
import type { RequestLog } from './rp-server'

export interface ControlServerOptions {
  orders: OrderBook
  faults: FaultTable
  people: PeopleRegistry
  log: RequestLog
}

const MAX_BODY_BYTES = 64 * 1024
const personalNumber = z.string().regex(/^\d{12}$/)
const scanSchema = z.strictObject({ payload: z.string().min(1).max(512), personalNumber: personalNumber.optional() })
const scanCurrentSchema = z.strictObject({ personalNumber: personalNumber.optional() })
const codeSchema = z.strictObject({ code: z.string().max(64) })
const failSchema = z.strictObject({ hintCode: z.string().regex(/^[A-Za-z0-9_]{1,64}$/) })
const personSchema = z.strictObject({
  personalNumber,
  givenName: z.string().min(1).max(100),
  surname: z.string().min(1).max(100),
  securityCode: z.string().min(4).max(12).default('123456'),
})
const configSchema = z.strictObject({ conflictCancelsExisting: z.boolean() })

type Reply = { status: number; body: unknown }
type Handler = (body: unknown, params: string[]) => Reply

const okReply = (body: unknown): Reply => ({ status: 200, body })
const errorReply = (status: number, error: string): Reply => ({ status, body: { error } })

/** Runs a zod-checked handler; a bad body is a 400 with the first problem named. */
function withBody<T>(schema: z.ZodType<T>, run: (value: T, params: string[]) => Reply): Handler {
  return (body, params) => {
    const parsed = schema.safeParse(body ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return errorReply(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
    }
    return run(parsed.data, params)
  }
}

export function createControlServer(options: ControlServerOptions): Server {
  const { orders, faults, people, log } = options
  const bookReply = (result: { ok: true; value: unknown } | { ok: false; error: { details: string } }) =>
    result.ok ? okReply(result.value) : errorReply(409, result.error.details)

  const routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [
    { method: 'GET', pattern: /^\/api\/orders$/, handler: () => okReply(orders.list()) },
    { method: 'GET', pattern: /^\/api\/people$/, handler: () => okReply(people.list()) },
    { method: 'GET', pattern: /^\/api\/faults$/, handler: () => okReply(faults.list()) },
    { method: 'GET', pattern: /^\/api\/requests$/, handler: () => okReply(log.list()) },
    {
      method: 'POST',
      pattern: /^\/api\/scan$/,
      handler: withBody(scanSchema, ({ payload, personalNumber }) => bookReply(orders.scan(payload, personalNumber))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/orders\/([^/]+)\/scan-current$/,
      handler: withBody(scanCurrentSchema, ({ personalNumber }, [orderRef = '']) => {
        const payload = orders.currentQrPayload(orderRef)
        return payload ? bookReply(orders.scan(payload, personalNumber)) : errorReply(404, 'No such order')
      }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/orders\/([^/]+)\/mrtd$/,
      handler: (_body, [orderRef = '']) => bookReply(orders.completeMrtd(orderRef)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/orders\/([^/]+)\/code$/,
      handler: withBody(codeSchema, ({ code }, [orderRef = '']) => bookReply(orders.enterSecurityCode(orderRef, code))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/orders\/([^/]+)\/cancel$/,
      handler: (_body, [orderRef = '']) => bookReply(orders.cancelInApp(orderRef)),
    },
    {
      method: 'POST',
      pattern: /^\/api\/orders\/([^/]+)\/fail$/,
      handler: withBody(failSchema, ({ hintCode }, [orderRef = '']) => bookReply(orders.failOrder(orderRef, hintCode))),
    },
    {
      method: 'POST',
      pattern: /^\/api\/people$/,
      handler: withBody(personSchema, (person) => {
        people.upsert(person)
        return okReply(person)
      }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/people\/(\d{12})\/unblock$/,
      handler: (_body, [pnr = '']) => {
        people.unblock(pnr)
        return okReply({})
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/faults$/,
      handler: withBody(faultRuleInputSchema, (rule) => okReply(faults.add(rule))),
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/faults$/,
      handler: () => {
        faults.clear()
        return okReply({})
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/faults\/(\d+)$/,
      handler: (_body, [id = '']) => (faults.remove(Number(id)) ? okReply({}) : errorReply(404, 'No such fault')),
    },
    {
      method: 'POST',
      pattern: /^\/api\/config$/,
      handler: withBody(configSchema, (config) => {
        orders.conflictCancelsExisting = config.conflictCancelsExisting
        return okReply(config)
      }),
    },
    {
      method: 'POST',
      pattern: /^\/api\/reset$/,
      handler: () => {
        orders.clear()
        faults.clear()
        people.reset()
        log.clear()
        orders.conflictCancelsExisting = true
        return okReply({})
      },
    },
  ]

  const staticFiles: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: APP_PAGE_HTML },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: APP_PAGE_JS },
    '/app.css': { type: 'text/css; charset=utf-8', body: APP_PAGE_CSS },
  }

  const server = createServer((req, res) => {
    // A request this server cannot make sense of (a bad URL or escape) is a 400, never a crash.
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, errorReply(400, 'Bad request'))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const host = req.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, errorReply(421, 'Wrong host'))

    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    const file = staticFiles[path]
    if (file && req.method === 'GET') {
      res.writeHead(200, {
        'Content-Type': file.type,
        'Content-Security-Policy':
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      })
      res.end(file.body)
      return
    }

    const route = routes.find((candidate) => candidate.pattern.test(path))
    if (!route) return send(res, errorReply(404, 'Not found'))
    const matching = routes.find((candidate) => candidate.method === req.method && candidate.pattern.test(path))
    if (!matching) return send(res, errorReply(405, 'Method not allowed'))

    let body: unknown = undefined
    if (req.method !== 'GET') {
      // POSTs are JSON only: a cross-site form cannot send application/json without a CORS
      // preflight we never answer (and DELETE always needs one).
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
      if (req.method === 'POST' && contentType !== 'application/json') return send(res, errorReply(415, 'Send JSON'))
      const text = await readBody(req)
      if (text === undefined) return send(res, errorReply(413, 'Body too large'))
      if (text.length > 0) {
        try {
          body = JSON.parse(text) as unknown
        } catch {
          return send(res, errorReply(400, 'Body is not JSON'))
        }
      }
    }
    const params = matching.pattern.exec(path)?.slice(1) ?? []
    send(res, matching.handler(body, params.map(decodeURIComponent)))
  }

  return server
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(undefined))
  })
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
}

// HTTP: the built renderer, read-only. GET only, nothing outside the renderer folder (no "..", no
// dotfiles, no symlink out of it), every answer with the security headers. The Host check comes
// before this (access.ts), in server.ts.
import { readdir, realpath, readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { requestPath, SECURITY_HEADERS, sendText } from './http'
import { BRIDGE_PATH } from './protocol'

export interface Site {
  /** The renderer folder, already resolved through realpath. */
  root: string
  /** The page's Content-Security-Policy (frames for the hand-off). */
  pagePolicy: string
}

export const MAX_URL_LENGTH = 2048

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
}

/** Answers one request (whose Host has been checked) from the renderer folder. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, site: Site): Promise<void> {
  if (req.method !== 'GET') return sendText(res, 405, { Allow: 'GET' })
  const target = req.url ?? ''
  if (target.length > MAX_URL_LENGTH) return sendText(res, 414)
  const pathname = requestPath(target)
  if (pathname === null) return sendText(res, 400)
  if (pathname === BRIDGE_PATH) return sendText(res, 426, { Upgrade: 'websocket' })
  const file = await findFile(site.root, pathname)
  if (file === null) return sendText(res, 404)
  const body = file.endsWith('index.html') ? await withBridgePreload(site.root, file) : await readFile(file)
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': site.pagePolicy,
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.length,
  })
  res.end(body)
}

/**
 * In a browser the page always needs the WebSocket bridge, which the renderer imports lazily (in
 * Electron it never does): tell the browser to fetch it with the page instead of after it.
 */
export async function withBridgePreload(root: string, indexFile: string): Promise<Buffer> {
  const html = await readFile(indexFile, 'utf8')
  const assets = await readdir(resolve(root, 'assets')).catch(() => [] as string[])
  const bridge = assets.find((name) => /^websocket-kiosk-[\w-]+\.js$/.test(name))
  if (!bridge || !html.includes('</head>')) return Buffer.from(html)
  return Buffer.from(html.replace('</head>', `  <link rel="modulepreload" href="./assets/${bridge}" />\n  </head>`))
}

/** The file under the renderer folder for a decoded path, or null: never anything outside it. */
export async function findFile(root: string, pathname: string): Promise<string | null> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
  const segments = relative.split('/')
  // No "..", no dotfiles, no empty segments ("//etc/passwd"), no Windows separators or drives.
  if (segments.some((s) => s === '' || s.startsWith('.') || s.includes('\\') || s.includes(':'))) return null
  const candidate = resolve(root, ...segments)
  if (!contained(root, candidate)) return null
  try {
    const info = await stat(candidate)
    if (!info.isFile()) return null
    // A symlink in the folder must not lead out of it either.
    const real = await realpath(candidate)
    return contained(root, real) ? real : null
  } catch {
    return null
  }
}

function contained(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

// Reads a QR code back out of an SVG from the `qrcode` package, so tests can prove the SVG scans.
//
// The qrcode SVG renderer (lib/renderer/svg-tag.js) draws a white background path and one path
// with a `stroke` and no fill: every dark run in a row is a horizontal line of the default stroke
// width 1 at y = row + 0.5, written as `M<x> <y>` (first run of a row) or `m<dx> 0` (next run in
// the same row) followed by `h<length>`. Anything else is rejected, so a format change fails loudly.
import jsQR from 'jsqr'

/** The SVG's whole viewBox in modules, quiet zone included: `dark[row][col]`. */
export interface ModuleMatrix {
  readonly size: number
  readonly dark: readonly (readonly boolean[])[]
}

export interface RgbaImage {
  readonly data: Uint8ClampedArray
  readonly width: number
  readonly height: number
}

export function svgToModules(svg: string): ModuleMatrix {
  const viewBox = /<svg\b[^>]*\sviewBox="0 0 (\d+) (\d+)"/.exec(svg)
  if (!viewBox || viewBox[1] !== viewBox[2]) throw new Error('expected a square viewBox="0 0 n n"')
  const size = Number(viewBox[1])

  const strokes = [...svg.matchAll(/<path\s([^>]*?)\/>/g)]
    .map((m) => m[1] ?? '')
    .filter((a) => /\bstroke="/.test(a))
  if (strokes.length !== 1) throw new Error(`expected one stroked path, found ${strokes.length}`)
  const attrs = strokes[0] ?? ''
  if (/\bstroke-width=/.test(attrs) || /\bfill="(?!none")/.test(attrs)) {
    throw new Error(`unexpected path attributes: ${attrs}`)
  }
  const d = /\bd="([^"]*)"/.exec(attrs)?.[1]
  if (d === undefined) throw new Error('stroked path has no d attribute')

  const dark = Array.from({ length: size }, () => Array<boolean>(size).fill(false))
  // A stroke of width 1 with butt caps: a horizontal line covers the row its y is the middle of.
  const paintRun = (x0: number, x1: number, y: number): void => {
    const row = y - 0.5
    const [from, to] = x0 < x1 ? [x0, x1] : [x1, x0]
    const onGrid = [row, from, to].every(Number.isInteger) && row >= 0 && row < size && from >= 0 && to <= size
    if (!onGrid) {
      throw new Error(`run off the module grid: x ${x0}..${x1}, y ${y}`)
    }
    for (let col = from; col < to; col++) dark[row]![col] = true
  }

  let x = 0
  let y = 0
  for (const [, cmd, args] of d.matchAll(/([A-Za-z])([^A-Za-z]*)/g)) {
    const n = (args ?? '').trim().split(/[\s,]+/).filter(Boolean).map(Number)
    const arity = cmd === 'M' || cmd === 'm' ? 2 : cmd === 'h' ? 1 : -1
    if (arity < 0 || n.length !== arity || n.some((v) => !Number.isFinite(v))) {
      throw new Error(`unsupported path command: ${cmd}${args}`)
    }
    const [a = 0, b = 0] = n
    if (cmd === 'M') [x, y] = [a, b]
    else if (cmd === 'm') [x, y] = [x + a, y + b]
    else {
      paintRun(x, x + a, y)
      x += a
    }
  }
  return { size, dark }
}

/** Black modules on white, `pxPerModule` pixels square each, as RGBA. */
export function rasterize(matrix: ModuleMatrix, pxPerModule = 8): RgbaImage {
  const width = matrix.size * pxPerModule
  const data = new Uint8ClampedArray(width * width * 4).fill(255)
  matrix.dark.forEach((cells, row) =>
    cells.forEach((isDark, col) => {
      if (!isDark) return
      for (let py = row * pxPerModule; py < (row + 1) * pxPerModule; py++) {
        const start = (py * width + col * pxPerModule) * 4
        for (let i = start; i < start + pxPerModule * 4; i += 4) data.fill(0, i, i + 3) // RGB black, alpha stays 255
      }
    }),
  )
  return { data, width, height: width }
}

/** The text a scanner reads from the SVG (dark on light only, as a phone would see it), or null. */
export function decodeQrSvg(svg: string, pxPerModule = 8): string | null {
  const { data, width, height } = rasterize(svgToModules(svg), pxPerModule)
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null
}

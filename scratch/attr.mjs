import { readFileSync, readdirSync } from 'node:fs'
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping'
const dir = 'out/renderer/assets/'
const file = readdirSync(dir).find((f) => /^index-.*\.js$/.test(f))
const code = readFileSync(dir + file, 'utf8')
const map = new TraceMap(JSON.parse(readFileSync(dir + file + '.map', 'utf8')))
const bytes = new Map()
const lines = code.split('\n')
lines.forEach((line, li) => {
  for (let c = 0; c < line.length; c++) {
    const pos = originalPositionFor(map, { line: li + 1, column: c })
    const key = (pos.source ?? '(unmapped)').replace(/.*node_modules\//, 'nm/').replace(/^(nm\/[^/]+(\/[^/]+)?).*/, '$1').replace(/.*\/src\//, 'src/')
    bytes.set(key, (bytes.get(key) ?? 0) + 1)
  }
})
const sorted = [...bytes].sort((a, b) => b[1] - a[1])
for (const [k, v] of sorted.slice(0, 40)) console.log(String(v).padStart(7), k)
// unmapped runs
let runs = []
lines.forEach((line, li) => { let start = -1
  for (let c = 0; c <= line.length; c++) { const pos = c < line.length ? originalPositionFor(map, { line: li + 1, column: c }) : { source: 'x' }
    if (!pos.source && start < 0) start = c; if (pos.source && start >= 0) { runs.push([li, start, c - start]); start = -1 } } })
runs.sort((a, b) => b[2] - a[2])
for (const [li, s, n] of runs.slice(0, 15)) console.log(n, JSON.stringify(lines[li].slice(s, s + Math.min(n, 160))))

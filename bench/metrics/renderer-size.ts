// Renderer weight, gzip: what the first screen loads (index.html's script and stylesheet and
// every chunk they import statically), and everything the page can ever load (every JS and CSS
// file in out/renderer/assets: all screens and all language catalogues, which this checks, and
// no font or image files to be fetched).
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { LANGUAGES } from '../../src/shared/languages'
import { RENDERER_DIR } from '../lib/kiosk'
import { fmt, verdictFor } from '../lib/stats'
import type { Metric, MetricResult } from '../lib/types'

const ASSETS = join(RENDERER_DIR, 'assets')
const SCREENS_DIR = 'src/renderer/src/screens'
const I18N_DIR = 'src/renderer/src/i18n'
const BUDGET_KB = 60
const GOAL_KB = 40
const FIRST_SCREEN_BUDGET_KB = 45
const FIRST_SCREEN_GOAL_KB = 30

const kB = (bytes: number) => bytes / 1000

interface FileSize {
  name: string
  raw: number
  gzip: number
  gzip9: number
  brotli: number
}

function measureFile(path: string, name: string): FileSize {
  const bytes = readFileSync(path)
  return {
    name,
    raw: bytes.length,
    // gzip's default level (6): what `gzip`, nginx and most servers send.
    gzip: gzipSync(bytes).length,
    gzip9: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes).length,
  }
}

/** The screens, by their section class (`<section class="screen welcome">`), from the sources. */
function screenClasses(): string[] {
  return readdirSync(SCREENS_DIR)
    .filter((file) => file.endsWith('.svelte'))
    .flatMap((file) => {
      const found = /class="screen ([a-z-]+)/.exec(readFileSync(join(SCREENS_DIR, file), 'utf8'))
      return found ? [found[1]!] : []
    })
}

/** All the catalogues' message texts together, gzipped: roughly their share of the bundle. */
function catalogueTextsGzip(): number {
  const texts = LANGUAGES.map((language) => {
    const source = readFileSync(join(I18N_DIR, `${language}.ts`), 'utf8')
    return [...source.matchAll(/:\s*'((?:[^'\\]|\\.)*)'/g)].map((match) => match[1]!).join('\n')
  })
  return gzipSync(Buffer.from(texts.join('\n'))).length
}

/** One distinctive string per language catalogue: its translation of the welcome button. */
function catalogueMarkers(): { language: string; text: string | null }[] {
  return LANGUAGES.map((language) => {
    const source = readFileSync(join(I18N_DIR, `${language}.ts`), 'utf8')
    const found = /'welcome\.start':\s*'((?:[^'\\]|\\.)*)'/.exec(source)
    return { language, text: found ? found[1]! : null }
  })
}

/**
 * The files the first screen needs: what index.html names, then every chunk those import
 * statically (`import … from "./x.js"`, `import "./x.js"`), never the `import("./x.js")` ones,
 * which load later (the other languages' catalogues, the browser host's bridge).
 */
export function firstScreenFiles(html: string, readAsset: (name: string) => string): string[] {
  const named = [...html.matchAll(/<(?:link|script)[^>]*(?:href|src)="\.\/assets\/([^"]+)"/g)].map((match) => match[1]!)
  const found = new Set<string>()
  const queue = [...named]
  while (queue.length > 0) {
    const name = queue.shift()!
    if (found.has(name)) continue
    found.add(name)
    if (!name.endsWith('.js')) continue
    for (const match of readAsset(name).matchAll(/(?:import|export)\s*(?:[^"'();=]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(match[1]!)
  }
  return [...found].sort()
}

export const rendererSizeFirstScreen: Metric = {
  id: 'renderer-size-first-screen',
  title: 'Renderer JS + CSS the first screen loads, gzip',
  live: false,
  async run(): Promise<MetricResult> {
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8')
    const first = firstScreenFiles(html, (name) => readFileSync(join(ASSETS, name), 'utf8'))
    const files = first.map((name) => measureFile(join(ASSETS, name), name))
    const total = kB(files.reduce((sum, file) => sum + file.gzip, 0))
    const later = readdirSync(ASSETS)
      .filter((name) => ['.js', '.css', '.mjs'].includes(extname(name)) && !first.includes(name))
      .sort()
    return {
      id: this.id,
      title: this.title,
      budget: FIRST_SCREEN_BUDGET_KB,
      goal: FIRST_SCREEN_GOAL_KB,
      unit: 'kB',
      samples: [total],
      median: total,
      p95: total,
      verdict: verdictFor(total, FIRST_SCREEN_BUDGET_KB, FIRST_SCREEN_GOAL_KB),
      judgedBy: 'value',
      runsText: '— (static)',
      notes: [
        `index.html's script and stylesheet and the chunks they import statically: ${first.join(', ')}.`,
        `Loaded later, by dynamic import (after the first screen, or when needed): ${later.join(', ') || 'nothing'}.`,
        'Only the Swedish catalogue is in the first bundle; the others are fetched 300 ms after the first screen, ' +
          'or at once if a snapshot asks for one first.',
      ],
      details: [
        {
          title: 'Per file (kB = 1000 bytes)',
          header: ['file', 'raw', 'gzip'],
          rows: files.map((file) => [file.name, fmt(kB(file.raw), 2), fmt(kB(file.gzip), 2)]),
        },
      ],
    }
  },
}

export const rendererSize: Metric = {
  id: 'renderer-size',
  title: 'Renderer JS + CSS, everything, gzip',
  live: false,
  async run(): Promise<MetricResult> {
    const names = readdirSync(ASSETS).sort()
    const code = names.filter((name) => ['.js', '.css', '.mjs'].includes(extname(name)))
    const other = names.filter((name) => !code.includes(name))
    const files = code.map((name) => measureFile(join(ASSETS, name), name))
    const sum = (pick: (file: FileSize) => number) => files.reduce((total, file) => total + pick(file), 0)
    const total = kB(sum((file) => file.gzip))

    const js = files.filter((file) => file.name.endsWith('.js') || file.name.endsWith('.mjs'))
    const jsText = js.map((file) => readFileSync(join(ASSETS, file.name), 'utf8')).join('\n')
    const cssText = files
      .filter((file) => file.name.endsWith('.css'))
      .map((file) => readFileSync(join(ASSETS, file.name), 'utf8'))
      .join('\n')
    const html = readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8')

    const missingScreens = screenClasses().filter((name) => !jsText.includes(`screen ${name}`))
    const markers = catalogueMarkers()
    const missingLanguages = markers.filter((marker) => marker.text === null || !jsText.includes(marker.text))
    const cssUrls = [...cssText.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g)].map((match) => match[2]!)
    const fetchedFromCss = cssUrls.filter((url) => !url.startsWith('data:'))
    const fontFaces = (cssText.match(/@font-face/g) ?? []).length
    const htmlLinks = [...html.matchAll(/<(?:link|img|script)[^>]*(?:href|src)="([^"]+)"/g)].map((match) => match[1]!)

    const notes = [
      `gzip at the default level 6 (per file, summed); at level 9: ${fmt(kB(sum((file) => file.gzip9)), 2)} kB; ` +
        `brotli: ${fmt(kB(sum((file) => file.brotli)), 2)} kB; uncompressed: ${fmt(kB(sum((file) => file.raw)), 2)} kB. ` +
        `index.html (not counted): ${fmt(kB(Buffer.byteLength(html)), 2)} kB.`,
      missingScreens.length === 0
        ? `All ${screenClasses().length} screens are in the bundle.`
        : `✗ screens not found in the bundle: ${missingScreens.join(', ')}`,
      missingLanguages.length === 0
        ? `All ${markers.length} language catalogues (${LANGUAGES.join(', ')}) are in the bundle.`
        : `✗ catalogues not found in the bundle: ${missingLanguages.map((marker) => marker.language).join(', ')}`,
      other.length === 0
        ? 'No other files in assets/ (no fonts, no images).'
        : `✗ other asset files (not counted; fonts or images the page may fetch): ${other.join(', ')}`,
      fetchedFromCss.length === 0 && fontFaces === 0
        ? `The CSS fetches nothing (${cssUrls.length === 0 ? 'no url() at all' : `${cssUrls.length} url(), all data: URIs`}; no @font-face).`
        : `✗ the CSS fetches: ${fetchedFromCss.join(', ') || '-'}; @font-face rules: ${fontFaces}`,
      `index.html references: ${htmlLinks.join(', ') || 'nothing'}.`,
      `The five catalogues' texts alone gzip to about ${fmt(kB(catalogueTextsGzip()), 1)} kB (an estimate of their share; ` +
        'the rest is the Svelte runtime, the screens, the CSS and the bridge).',
      'The websocket-kiosk chunk is only loaded by the browser host (Electron never loads it); it is counted anyway.',
    ]
    return {
      id: this.id,
      title: this.title,
      budget: BUDGET_KB,
      goal: GOAL_KB,
      unit: 'kB',
      samples: [total],
      median: total,
      p95: total,
      verdict: verdictFor(total, BUDGET_KB, GOAL_KB),
      judgedBy: 'value',
      runsText: '— (static)',
      notes,
      details: [
        {
          title: 'Per file (kB = 1000 bytes)',
          header: ['file', 'raw', 'gzip', 'gzip -9', 'brotli'],
          rows: [
            ...files.map((file) => [
              file.name,
              fmt(kB(file.raw), 2),
              fmt(kB(file.gzip), 2),
              fmt(kB(file.gzip9), 2),
              fmt(kB(file.brotli), 2),
            ]),
            [
              '**total**',
              fmt(kB(sum((file) => file.raw)), 2),
              `**${fmt(total, 2)}**`,
              fmt(kB(sum((file) => file.gzip9)), 2),
              fmt(kB(sum((file) => file.brotli)), 2),
            ],
          ],
        },
      ],
    }
  },
}

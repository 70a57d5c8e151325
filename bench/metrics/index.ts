// Every benchmark, in the order they run and appear in docs/benchmarks.md. One module per metric
// of product.md §7; later work adds the rest here.
import type { Metric } from '../lib/types'
import { collectInterval } from './collect-interval'
import { loadInteractive } from './load-interactive'
import { nextQr } from './next-qr'
import { qrNetwork } from './qr-network'
import { rendererSize } from './renderer-size'
import { tapPaint } from './tap-paint'

export const METRICS: readonly Metric[] = [rendererSize, loadInteractive, tapPaint, nextQr, qrNetwork, collectInterval]

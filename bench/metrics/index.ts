// Every benchmark, in the order they run and appear in docs/benchmarks.md. One module per metric
// of product.md §7; later work adds the rest here.
import type { Metric } from '../lib/types'
import { collectInterval } from './collect-interval'
import { engineMemory } from './engine-memory'
import { gatewayLatency, gatewayMemory, gatewayThroughput } from './gateway'
import { languageSwitch } from './language-switch'
import { loadInteractive } from './load-interactive'
import { nextQr } from './next-qr'
import { qrFrames } from './qr-frames'
import { qrNetwork } from './qr-network'
import { rendererMemory } from './renderer-memory'
import { rendererSize, rendererSizeFirstScreen } from './renderer-size'
import { soakBrowser } from './soak-browser'
import { soakEngine } from './soak-engine'
import { tapPaint } from './tap-paint'

export const METRICS: readonly Metric[] = [rendererSizeFirstScreen, rendererSize, loadInteractive, tapPaint, languageSwitch, nextQr, qrFrames, qrNetwork, collectInterval, engineMemory, soakEngine, rendererMemory, soakBrowser, gatewayLatency, gatewayThroughput, gatewayMemory]

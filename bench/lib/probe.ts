// The page side of the browser benchmarks: a script installed in every page before the kiosk's
// own code runs (context.addInitScript). Every time it records is the page's own clock
// (performance.now(), event.timeStamp and performance entries share the document's time origin,
// which is the navigation's start), so no Node clock is ever compared with a page clock.
//
// "Painted" here means: the first requestAnimationFrame after the DOM change, then the task after
// that frame (a MessageChannel message posted from inside the rAF callback runs once the
// browser's main thread has finished the frame: style, layout, paint, commit). What the GPU then
// does until the pixels are on the glass is not visible to a page; the Event Timing API's
// durations are the browser's own view of that, and tap-paint reports both.
//
// tsx (esbuild keepNames) wraps named functions in __name(…) calls; Playwright sends a function
// to the page as its source text, so NAME_SHIM must be installed first.

/** Installed before the probe: a no-op stand-in for esbuild's __name helper. */
export const NAME_SHIM =
  'globalThis.__name = globalThis.__name || ((fn, name) => { try { Object.defineProperty(fn, "name", { value: name, configurable: true }) } catch {} return fn })'

export interface FrameMark {
  /** When the condition was first seen true in the DOM (a MutationObserver or load callback). */
  dom: number
  /** performance.now() in the first requestAnimationFrame callback after that. */
  frame: number | null
  /** The task after that frame: the frame's main-thread work is done ("painted"). */
  painted: number | null
}

export interface TapRecord {
  /** pointerdown event.timeStamp */
  down: number
  /** click event.timeStamp (the keypad acts on click) */
  click: number | null
  /** The first change inside output#pnr after this pointerdown. */
  mutation: number | null
  frame: number | null
  painted: number | null
  /** What the pointerdown hit: the button's text. */
  target: string
}

export interface EventEntry {
  name: string
  entryType: string
  startTime: number
  duration: number
  processingStart: number
  processingEnd: number
  interactionId: number
}

export interface ProbeState {
  marks: Record<string, FrameMark>
  taps: TapRecord[]
  events: EventEntry[]
  errors: string[]
  /** Re-arms a mark, so the next time its condition holds is recorded again. */
  reset(name: string): void
}

/** The conditions marked, by name (checked after every DOM change and every load event). */
export const MARKS = ['connecting', 'welcome', 'keypad', 'next-enabled', 'starting', 'qr-inserted', 'qr'] as const
export type MarkName = (typeof MARKS)[number]

// The little of the DOM the probe uses, typed here because the Node project has no DOM library.
interface ProbeElement {
  readonly textContent: string | null
  readonly disabled?: boolean
  readonly complete?: boolean
  readonly naturalWidth?: number
  closest(selector: string): ProbeElement | null
  contains(other: unknown): boolean
}
interface ProbeEvent {
  readonly timeStamp: number
  readonly target: unknown
}
interface ProbeEntry extends EventEntry {
  toJSON(): unknown
}
interface ProbeWindow {
  __bench?: ProbeState
  document: {
    querySelector(selector: string): ProbeElement | null
    addEventListener(type: string, listener: (event: ProbeEvent) => void, capture: boolean): void
  }
  addEventListener(type: string, listener: (event: ProbeEvent) => void, capture: boolean): void
  performance: { now(): number }
  requestAnimationFrame(callback: () => void): number
  MessageChannel: new () => {
    port1: { onmessage: (() => void) | null; close(): void }
    port2: { postMessage(message: unknown): void; close(): void }
  }
  MutationObserver: new (callback: (records: { target: unknown }[]) => void) => {
    observe(target: unknown, options: Record<string, boolean>): void
  }
  PerformanceObserver: new (callback: (list: { getEntries(): ProbeEntry[] }) => void) => {
    observe(options: Record<string, unknown>): void
  }
}

/** Runs in the page, before any of the page's scripts. Must not reference anything outside itself. */
export function installProbe(): void {
  const w = globalThis as unknown as ProbeWindow
  if (w.__bench) return
  const doc = w.document
  const now = () => w.performance.now()

  const afterFrame = (target: { frame: number | null; painted: number | null }) => {
    w.requestAnimationFrame(() => {
      target.frame = now()
      const channel = new w.MessageChannel()
      channel.port1.onmessage = () => {
        target.painted = now()
        channel.port1.close()
        channel.port2.close()
      }
      channel.port2.postMessage(null)
    })
  }

  const conditions: Record<MarkName, () => boolean> = {
    connecting: () => doc.querySelector('[data-screen="connecting"]') !== null,
    welcome: () => {
      const button = doc.querySelector('.screen.welcome button.primary')
      return button !== null && button.disabled !== true
    },
    keypad: () => doc.querySelector('.screen.keypad button.key') !== null,
    'next-enabled': () => {
      const button = doc.querySelector('.screen.keypad .actions button.primary')
      return button !== null && button.disabled !== true
    },
    starting: () => doc.querySelector('.screen.starting') !== null,
    'qr-inserted': () => doc.querySelector('img.qr') !== null,
    qr: () => {
      const img = doc.querySelector('img.qr')
      return img !== null && img.complete === true && (img.naturalWidth ?? 0) > 0
    },
  }

  const state: ProbeState = {
    marks: {},
    taps: [],
    events: [],
    errors: [],
    reset: (name) => {
      delete state.marks[name]
    },
  }
  w.__bench = state

  const check = () => {
    for (const name of Object.keys(conditions) as MarkName[]) {
      if (state.marks[name]) continue
      let holds = false
      try {
        holds = conditions[name]()
      } catch (error) {
        state.errors.push(String(error))
      }
      if (!holds) continue
      const mark: FrameMark = { dom: now(), frame: null, painted: null }
      state.marks[name] = mark
      afterFrame(mark)
    }
  }

  new w.MutationObserver((records) => {
    const tap = state.taps[state.taps.length - 1]
    if (tap && tap.mutation === null) {
      const output = doc.querySelector('output#pnr')
      if (output && records.some((record) => output.contains(record.target))) {
        tap.mutation = now()
        afterFrame(tap)
      }
    }
    check()
  }).observe(doc, { subtree: true, childList: true, attributes: true, characterData: true })
  // An image finishing its load changes no DOM: listen for load (it does not bubble; capture does).
  doc.addEventListener('load', () => check(), true)

  w.addEventListener(
    'pointerdown',
    (event) => {
      const target = event.target as ProbeElement | null
      const button = target?.closest?.('button') ?? null
      state.taps.push({
        down: event.timeStamp,
        click: null,
        mutation: null,
        frame: null,
        painted: null,
        target: (button?.textContent ?? '').trim(),
      })
    },
    true,
  )
  w.addEventListener(
    'click',
    (event) => {
      const tap = state.taps[state.taps.length - 1]
      if (tap && tap.click === null) tap.click = event.timeStamp
    },
    true,
  )

  // Event Timing: every event whose duration reaches 16 ms (the API's lowest threshold), and the
  // page's first input whatever its duration.
  const record = (list: { getEntries(): ProbeEntry[] }) => {
    for (const entry of list.getEntries()) {
      state.events.push({
        name: entry.name,
        entryType: entry.entryType,
        startTime: entry.startTime,
        duration: entry.duration,
        processingStart: entry.processingStart,
        processingEnd: entry.processingEnd,
        interactionId: entry.interactionId ?? 0,
      })
    }
  }
  try {
    new w.PerformanceObserver(record).observe({ type: 'event', durationThreshold: 16, buffered: true })
    new w.PerformanceObserver(record).observe({ type: 'first-input', buffered: true })
  } catch (error) {
    state.errors.push(`Event Timing unavailable: ${String(error)}`)
  }
}

// The health file: the report as JSON, for the computer's monitoring agent, and beside it the same
// report as metrics text (health.json → health.prom) for a node_exporter / windows_exporter
// textfile collector. Rewritten every interval and at once when the status changes, always
// atomically (a temporary file next to it, then a rename), so a reader sees the old report or the
// new one, never half of one. Readable by everyone on the machine (0644 on Linux and macOS; on
// Windows the folder's permissions apply): it holds nothing secret and nothing about a parent.
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Scheduler, TimerHandle } from '../scheduler'
import type { HealthLog } from './monitor'
import { healthMetricsText } from './metrics-text'
import type { HealthReport } from './report'

/** The metrics file beside the JSON one: the same name with .prom (which the textfile collectors read). */
export function metricsFilePath(file: string): string {
  const { dir, name } = path.parse(file)
  return path.join(dir, `${name}.prom`)
}

/** The file operations the writer uses; tests swap in failing ones. */
export interface HealthFileSystem {
  mkdir(dir: string): Promise<unknown>
  writeFile(file: string, data: string, mode: number): Promise<void>
  rename(from: string, to: string): Promise<void>
  rm(file: string): Promise<void>
}

export const nodeFileSystem: HealthFileSystem = {
  mkdir: (dir) => mkdir(dir, { recursive: true }),
  // chmod as well: the mode given to writeFile is narrowed by the process's umask.
  writeFile: async (file, data, mode) => {
    await writeFile(file, data, { encoding: 'utf8', mode })
    await chmod(file, mode)
  },
  rename: (from, to) => rename(from, to),
  rm: (file) => rm(file, { force: true }),
}

export interface HealthFileOptions {
  file: string
  intervalMs: number
  scheduler: Scheduler
  report: () => HealthReport
  log: HealthLog
  fs?: HealthFileSystem
}

export const HEALTH_FILE_MODE = 0o644
/** Windows refuses a rename over a file another program has open for a moment: try again briefly. */
const RENAME_TRIES = 5
const RENAME_PAUSE_MS = 50

export class HealthFileWriter {
  readonly #options: HealthFileOptions
  readonly #fs: HealthFileSystem
  readonly #targets: readonly { file: string; temporary: string; render: (report: HealthReport) => string }[]
  #timer: TimerHandle | null = null
  #writing: Promise<void> | null = null
  #again = false
  #stopped = false
  #lastWritten: HealthReport['status'] | null = null
  #failedLastTime = false

  constructor(options: HealthFileOptions) {
    this.#options = options
    this.#fs = options.fs ?? nodeFileSystem
    const temporary = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
    const metrics = metricsFilePath(options.file)
    this.#targets = [
      { file: options.file, temporary: temporary(options.file), render: (report) => `${JSON.stringify(report, null, 2)}\n` },
      // A health file already named .prom gets no second one of the same name.
      ...(metrics === options.file ? [] : [{ file: metrics, temporary: temporary(metrics), render: healthMetricsText }]),
    ]
  }

  /** The metrics text file beside the JSON one. */
  get metricsFile(): string {
    return metricsFilePath(this.#options.file)
  }

  get file(): string {
    return this.#options.file
  }

  /** Writes the first report now and then every interval. */
  start(): void {
    if (this.#stopped || this.#timer !== null) return
    void this.write()
    this.#arm()
  }

  /** The status may have changed: written at once if it differs from the one on disk. */
  statusChanged(): void {
    if (this.#stopped) return
    if (this.#options.report().status !== this.#lastWritten) void this.write()
  }

  /** Writes the current report; a write already under way is followed by exactly one more. */
  write(): Promise<void> {
    if (this.#writing) {
      this.#again = true
      return this.#writing
    }
    this.#writing = this.#writeLoop().finally(() => (this.#writing = null))
    return this.#writing
  }

  /** Resolves once no write is under way (for tests and an orderly stop). */
  async idle(): Promise<void> {
    while (this.#writing) await this.#writing
  }

  /** Stops the schedule and writes one last report (the monitor says "stopped" by then). */
  async stop(finalWrite = true): Promise<void> {
    this.#stopped = true
    this.#options.scheduler.clearTimeout(this.#timer)
    this.#timer = null
    await this.idle()
    if (finalWrite) await this.#writeOnce()
  }

  #arm(): void {
    this.#timer = this.#options.scheduler.setTimeout(() => {
      this.#timer = null
      if (this.#stopped) return
      void this.write()
      this.#arm()
    }, this.#options.intervalMs)
  }

  async #writeLoop(): Promise<void> {
    do {
      this.#again = false
      await this.#writeOnce()
    } while (this.#again && !this.#stopped)
  }

  async #writeOnce(): Promise<void> {
    const report = this.#options.report()
    const started = this.#options.scheduler.now()
    try {
      await this.#fs.mkdir(path.dirname(this.#options.file))
      for (const target of this.#targets) {
        try {
          await this.#fs.writeFile(target.temporary, target.render(report), HEALTH_FILE_MODE)
          await this.#renameIntoPlace(target.temporary, target.file)
        } catch (error) {
          await this.#fs.rm(target.temporary).catch(() => undefined)
          throw error
        }
      }
      this.#lastWritten = report.status
      this.#failedLastTime = false
      this.#options.log('debug', 'health.written', {
        status: report.status,
        ms: Math.round(this.#options.scheduler.now() - started),
      })
    } catch (error) {
      // Once per run of failures: a full disk must not fill the log with the same line every minute.
      if (!this.#failedLastTime) {
        this.#options.log('warn', 'health.write-failed', { file: this.#options.file, code: codeOf(error) })
      }
      this.#failedLastTime = true
    }
  }

  async #renameIntoPlace(temporary: string, file: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#fs.rename(temporary, file)
        return
      } catch (error) {
        const code = codeOf(error)
        if (attempt >= RENAME_TRIES || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error
        await sleep(RENAME_PAUSE_MS)
      }
    }
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'UNKNOWN'
}

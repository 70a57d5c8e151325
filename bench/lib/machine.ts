// What the numbers were measured on: they mean little without it.
import { existsSync, readFileSync } from 'node:fs'
import { cpus, platform, release, totalmem } from 'node:os'

export interface Machine {
  cpu: string
  cpuCount: number
  ramGiB: number
  os: string
  node: string
  chromium: string | null
  playwright: string
  date: string
}

function osName(): string {
  if (existsSync('/etc/os-release')) {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))
    if (pretty) return `${pretty[1]} (${platform()} ${release()})`
  }
  return `${platform()} ${release()}`
}

function playwrightVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync('node_modules/@playwright/test/package.json', 'utf8')) as { version?: string }
    return manifest.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

export function describeMachine(chromium: string | null, started: Date): Machine {
  const list = cpus()
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    ramGiB: totalmem() / 1024 ** 3,
    os: osName(),
    node: process.version,
    chromium,
    playwright: playwrightVersion(),
    date: started.toISOString(),
  }
}

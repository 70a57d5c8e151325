// The session a kiosk runs when it must not serve parents at all (its settings are invalid): an
// out-of-service screen with the reason for staff. Same shape as KioskSession, so the hosts do
// not care which one they show.
import type { Intent, Snapshot } from '../../shared/contract'
import type { KioskSession } from './kiosk-session'
import type { KioskSettings } from '../settings/schema'

export type SessionPort = Pick<KioskSession, 'subscribe' | 'snapshot' | 'dispatch' | 'rendererGone' | 'whenIdle' | 'dispose'>

export interface UnavailableSessionOptions {
  reference: string
  staffMessage: string
  settings: KioskSettings
}

export class UnavailableSession implements SessionPort {
  readonly #listeners = new Set<(snapshot: Snapshot) => void>()
  #snapshot: Snapshot

  constructor({ reference, staffMessage, settings }: UnavailableSessionOptions) {
    this.#snapshot = {
      sequence: 0,
      screen: { name: 'out-of-service', reference, staffMessage, secondsToRetry: null },
      idleWarning: null,
      language: settings.languages.default,
      languages: settings.languages.available,
      lowReach: false,
      mode: settings.flow.mode,
      schoolName: settings.school.name,
      branding: { primaryColor: settings.school.primaryColor, accentColor: settings.school.accentColor },
      banks: settings.banks,
      staff: null,
    }
  }

  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.#listeners.add(listener)
    listener(this.#snapshot)
    return () => this.#listeners.delete(listener)
  }

  snapshot(): Snapshot {
    return this.#snapshot
  }

  /** A parent may still switch language to read the notice; nothing else does anything. */
  dispatch(intent: Intent): void {
    if (intent.type !== 'set-language' || !this.#snapshot.languages.includes(intent.language)) return
    this.#snapshot = { ...this.#snapshot, sequence: this.#snapshot.sequence + 1, language: intent.language }
    for (const listener of this.#listeners) listener(this.#snapshot)
  }

  rendererGone(): void {}

  whenIdle(): Promise<void> {
    return Promise.resolve()
  }

  dispose(): Promise<void> {
    this.#listeners.clear()
    return Promise.resolve()
  }
}

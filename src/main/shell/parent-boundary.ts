// Knows when one parent is done: the session has come back to the welcome screen after any
// other screen. At that moment the window's storage is cleared and the page reloaded, so nothing
// the parent's page held (DOM, memory, storage) reaches the next parent.
import type { Snapshot } from '../../shared/contract'

export class ParentBoundary {
  #previous: Snapshot['screen']['name'] | null = null

  /** True when this snapshot is the first welcome after a parent's session. */
  crossed(snapshot: Snapshot): boolean {
    const previous = this.#previous
    this.#previous = snapshot.screen.name
    return snapshot.screen.name === 'welcome' && previous !== null && previous !== 'welcome'
  }
}

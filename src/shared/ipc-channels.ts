// The only IPC channels between main and the renderer. Kept apart from contract.ts so the
// sandboxed preload can import them without pulling in the schema library.
export const IPC_CHANNELS = {
  /** renderer → main: one Intent. */
  intent: 'kiosk:intent',
  /** main → renderer: one Snapshot. */
  snapshot: 'kiosk:snapshot',
  /** renderer → main (invoke): the current Snapshot, for a subscriber that just arrived. */
  current: 'kiosk:current',
} as const

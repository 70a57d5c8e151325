// Time as the main process sees it. Every module that measures time takes a Clock, so tests can
// drive it by hand and nothing depends on the wall clock jumping (NTP, DST).

/** Monotonic milliseconds: only differences between two readings mean anything. */
export interface Clock {
  now(): number
}

export const monotonicClock: Clock = { now: () => performance.now() }

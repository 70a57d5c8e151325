// A token bucket per kiosk for starting BankID orders: an honest reception never notices it; a
// stolen terminal cannot start orders in the school's name in bulk. Per instance: behind N
// instances a kiosk gets at most N times the rate, which still stops bulk use.
export interface TokenBucketOptions {
  perMinute: number
  burst: number
  /** Monotonic milliseconds. */
  now: () => number
  /** Buckets kept at most; the least recently used is forgotten first (it has refilled the longest). */
  maxKiosks?: number
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number }

export class KioskRateLimiter {
  readonly #options: Required<TokenBucketOptions>
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(options: TokenBucketOptions) {
    this.#options = { maxKiosks: 10_000, ...options }
  }

  take(kiosk: string): Take {
    const { perMinute, burst, now } = this.#options
    const at = now()
    const bucket = this.#buckets.get(kiosk) ?? { tokens: burst, at }
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * perMinute) / 60_000)
    bucket.at = at
    this.#buckets.delete(kiosk) // re-inserted last: the Map's order is least recently used first
    this.#buckets.set(kiosk, bucket)
    this.#prune()
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { ok: true }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute)) }
  }

  #prune(): void {
    while (this.#buckets.size > this.#options.maxKiosks) {
      const oldest = this.#buckets.keys().next().value
      if (oldest === undefined) return
      this.#buckets.delete(oldest)
    }
  }
}

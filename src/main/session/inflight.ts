// Promises the session started and has not yet seen settle: quit and the tests wait for them.
export class Inflight {
  readonly #pending = new Set<Promise<unknown>>()

  readonly track = <T>(promise: Promise<T>): Promise<T> => {
    this.#pending.add(promise)
    void promise.finally(() => this.#pending.delete(promise)).catch(() => undefined)
    return promise
  }

  /** Resolves once nothing tracked is running, including what settling promises started. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }
}

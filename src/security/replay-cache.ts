/**
 * Remembers webhook-ids until their timestamp leaves the tolerance window, to refuse replays.
 * Bounded: at most `maxEntries` ids; expired ids are swept from the oldest end on every insert, and
 * when still full the oldest id is forgotten first. Only requests whose signature verified get here,
 * so only a holder of the secret can fill it.
 */
export class ReplayCache {
  /** id → unix second after which the id's timestamp is outside the window anyway. Insertion-ordered. */
  readonly #expiries = new Map<string, number>()

  get size (): number {
    return this.#expiries.size
  }

  /** True when `id` was seen and has not expired; otherwise records it and returns false. */
  seen (id: string, expiresAt: number, now: number, maxEntries: number): boolean {
    const expiry = this.#expiries.get(id)
    if (expiry !== undefined && expiry >= now) return true
    if (expiry !== undefined) this.#expiries.delete(id)
    this.#sweep(now)
    while (this.#expiries.size >= maxEntries) this.#dropOldest()
    this.#expiries.set(id, expiresAt)
    return false
  }

  #sweep (now: number): void {
    for (const [id, expiry] of this.#expiries) {
      if (expiry >= now) return
      this.#expiries.delete(id)
    }
  }

  #dropOldest (): void {
    const oldest = this.#expiries.keys().next()
    if (oldest.done !== true) this.#expiries.delete(oldest.value)
  }
}

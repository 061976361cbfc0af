import type { ReplayStore } from './replay-store.js'

/**
 * Remembers webhook-ids until their timestamp leaves the tolerance window, to refuse replays.
 * Bounded: at most `maxEntries` ids; expired ids are swept from the oldest end on every insert, and
 * when still full the oldest id is forgotten first. Only requests whose signature verified get here,
 * so only a holder of the secret can fill it.
 *
 * Insertion order is kept in an array with a moving head rather than read from the Map's own order:
 * deleting from the front of a large Map leaves holes that every later walk from the front skips
 * again (measured: ~28 µs per insert once 100,000 ids were held, against well under 1 µs here).
 */
export class ReplayCache implements ReplayStore {
  readonly kind = 'memory'

  /** id → unix second after which the id's timestamp is outside the window anyway. */
  readonly #expiries = new Map<string, number>()
  /** Every recorded [id, expiry] in insertion order; slots before `#head` are done with. */
  #order: Array<[string, number]> = []
  #head = 0

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
    this.#order.push([id, expiresAt])
    return false
  }

  /** The oldest id still held; slots whose id was since forgotten or recorded again are skipped. */
  #oldest (): [string, number] | undefined {
    while (this.#head < this.#order.length) {
      const slot = this.#order[this.#head] as [string, number]
      if (this.#expiries.get(slot[0]) === slot[1]) return slot
      this.#head++
    }
    return undefined
  }

  #sweep (now: number): void {
    for (let slot = this.#oldest(); slot !== undefined && slot[1] < now; slot = this.#oldest()) {
      this.#expiries.delete(slot[0])
      this.#head++
    }
    if (this.#head >= 1024 && this.#head * 2 >= this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
  }

  /** Only called while the cache holds ids (maxEntries ≥ 100 by schema), so there is an oldest. */
  #dropOldest (): void {
    const slot = this.#oldest() as [string, number]
    this.#expiries.delete(slot[0])
    this.#head++
  }
}

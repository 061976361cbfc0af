import type { Policy } from '../policy/types.js'
import { isPostgresUrl, type StoreOptions } from '../store/index.js'
import type { Store } from '../store/types.js'

/**
 * Where accepted webhook-ids are kept: this process's memory (ReplayCache), or the PostgreSQL
 * store every replica shares (StoreReplayIds), so a replay sent to another replica is refused too.
 */
export interface ReplayStore {
  readonly kind: 'memory' | 'postgres'
  /**
   * True when `id` was accepted before and has not expired; otherwise records it until `expiresAt`
   * (unix seconds) and returns false. The memory store answers synchronously (no promise on the
   * hot path); a shared one answers with a promise that rejects with ReplayCheckFailed.
   */
  seen (id: string, expiresAt: number, now: number, maxEntries: number): boolean | Promise<boolean>
}

/** How long a hook call waits for the database's answer before it is refused (fail closed). */
export const REPLAY_CHECK_TIMEOUT_MS = 1000

/** The shared replay store could not answer: the call is refused, never accepted unchecked. */
export class ReplayCheckFailed extends Error {
  constructor (readonly reason: 'timeout' | 'unreachable', options?: ErrorOptions) {
    super(reason === 'timeout' ? `the database did not answer the replay check within ${REPLAY_CHECK_TIMEOUT_MS} ms` : 'the database could not record the webhook-id', options)
  }
}

/**
 * Accepted ids in the store's `replay_ids` table: one insert per signed call, the primary key is
 * the refusal (Store.recordReplayId), expired rows are deleted by the store's pruning. Bounded in
 * time, not in count: `replayCacheSize` bounds the memory store only.
 */
export class StoreReplayIds implements ReplayStore {
  readonly kind = 'postgres'

  constructor (private readonly store: Store, private readonly timeoutMs = REPLAY_CHECK_TIMEOUT_MS) {}

  async seen (id: string, expiresAt: number, now: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(reject, this.timeoutMs, new ReplayCheckFailed('timeout'))
    })
    // The store keeps epoch milliseconds.
    const recorded = this.store.recordReplayId(id, expiresAt * 1000, now * 1000).catch((error: unknown) => {
      throw new ReplayCheckFailed('unreachable', { cause: error })
    })
    try {
      return !await Promise.race([recorded, timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * True when replay ids must be shared: the store is PostgreSQL (DATABASE_URL) and a hook checks
 * Standard Webhooks signatures. SQLite is one host's file, so it keeps them in memory.
 */
export function sharesReplayIds (policy: Policy, store: StoreOptions): boolean {
  if (!isPostgresUrl(store.databaseUrl)) return false
  for (const hook of policy.hooks.values()) {
    if (hook.caller.standardWebhooks !== undefined) return true
  }
  return false
}

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Policy } from './types.js'

/** Why the newest config on disk was refused; the policy in force stays the last good one. */
export interface LoadFailure {
  /** ISO time of the failed load. */
  at: string
  /** Each problem as `FILE:LINE:COL message`, with environment values masked. */
  problems: string[]
}

export type PolicyEvent =
  | { type: 'loaded', policy: Policy }
  | { type: 'failed', failure: LoadFailure }

/** Holds the policy in force. Swapping it is one assignment, so a request sees one policy or the other. */
export class PolicyStore {
  #current: Policy
  #failure: LoadFailure | null = null
  readonly #listeners: Array<(event: PolicyEvent) => void> = []

  constructor (policy: Policy) {
    this.#current = policy
  }

  get current (): Policy {
    return this.#current
  }

  /** The newest load's failure, or null when the policy in force is the newest on disk. */
  get failure (): LoadFailure | null {
    return this.#failure
  }

  replace (policy: Policy): void {
    this.#current = policy
    this.#failure = null
    this.#emit({ type: 'loaded', policy })
  }

  /** Records that the newest config was refused; the current policy keeps serving. */
  fail (failure: LoadFailure): void {
    this.#failure = failure
    this.#emit({ type: 'failed', failure })
  }

  onChange (listener: (event: PolicyEvent) => void): void {
    this.#listeners.push(listener)
  }

  #emit (event: PolicyEvent): void {
    for (const listener of this.#listeners) listener(event)
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    policies: PolicyStore
  }
}

async function policyStorePlugin (app: FastifyInstance, options: { policy: Policy }): Promise<void> {
  app.decorate('policies', new PolicyStore(options.policy))
}

export default fp(policyStorePlugin, { name: 'auth-hooks-policy-store' })

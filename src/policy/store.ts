import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Policy } from './types.js'

/** Holds the policy in force. Swapping it is one assignment, so a request sees one policy or the other. */
export class PolicyStore {
  #current: Policy

  constructor (policy: Policy) {
    this.#current = policy
  }

  get current (): Policy {
    return this.#current
  }

  replace (policy: Policy): void {
    this.#current = policy
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

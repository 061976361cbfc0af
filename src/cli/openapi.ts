import { readFileSync } from 'node:fs'
import { buildApp } from '../app.js'
import type { AuthHooksConfig } from '../config/types.js'
import { DIALECTS } from '../hooks/dialects/table.js'
import type { Policy } from '../policy/types.js'

interface Operation { summary?: string, parameters?: unknown[], [key: string]: unknown }

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  [key: string]: unknown
}

/** @fastify/swagger's name for the hooks' `POST /*` route. */
const HOOK_WILDCARD = '/{*}'

const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/**
 * The OpenAPI document of the service a config starts, built by @fastify/swagger from the same
 * route schemas that validate requests. Hook routes are one wildcard route (the path is looked up
 * in the policy in force), so the document lists each configured hook path in its place, with
 * the body its dialect accepts.
 */
export async function openApiDocument (policy: Policy, config: AuthHooksConfig): Promise<OpenApiDocument> {
  // An in-memory store: describing the service must not create or touch its database.
  const app = await buildApp({ policy, config, logger: false, store: { sqlitePath: ':memory:' }, describe: { version: packageVersion() } })
  try {
    await app.ready()
    const document = app.swagger() as unknown as OpenApiDocument
    const { parameters: _wildcard, ...post } = (document.paths[HOOK_WILDCARD] as { post: Operation }).post
    delete document.paths[HOOK_WILDCARD]
    for (const hook of policy.hooks.values()) {
      // Each dialect checks its own system's body, so the request schema comes from the dialect.
      const requestBody = { required: true, content: { 'application/json': { schema: DIALECTS[hook.dialect].requestSchema } } }
      document.paths[hook.path] = { post: { ...post, summary: `the ${hook.name} hook (${hook.dialect} dialect)`, requestBody } }
    }
    return document
  } finally {
    await app.close()
  }
}

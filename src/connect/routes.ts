import { createHash, randomBytes } from 'node:crypto'
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FromSchema } from 'json-schema-to-ts'
import type { ConnectConfig } from '../config/types.js'
import { matchesSecret, secretDigest } from '../http/credentials.js'
import { allowCors } from '../http/cors.js'
import { ErrorCode, errorBodySchema, RequestError } from '../http/errors.js'
import { htmlPageSchema } from '../http/pages.js'
import { EXPIRED_LINK_RETENTION_MS } from '../store/plugin.js'
import type { Account } from '../store/types.js'
import { UNIPILE_PROVIDERS, UnipileClient, type HostedLinkRequest } from './unipile.js'

const ACCOUNT_ID = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_.:-]+$' } as const
const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 502: errorBodySchema, 504: errorBodySchema }
/** The browser-facing routes answer their errors with the plain HTML page. */
const pages = { 400: htmlPageSchema, 404: htmlPageSchema, 500: htmlPageSchema, 502: htmlPageSchema, 504: htmlPageSchema }

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

const accountReply = {
  type: 'object',
  required: ['accountId', 'status', 'needsReconnect', 'reconnectUrl', 'connectedAt', 'updatedAt'],
  properties: {
    accountId: { type: 'string' },
    status: { type: 'string' },
    needsReconnect: { type: 'boolean' },
    reconnectUrl: { type: 'string' },
    connectedAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const

function toAccountReply (account: Account): FromSchema<typeof accountReply> {
  return {
    accountId: account.accountId,
    status: account.status,
    needsReconnect: account.status === 'CREDENTIALS',
    reconnectUrl: `/connect/reconnect?account=${encodeURIComponent(account.accountId)}`,
    connectedAt: new Date(account.createdAt).toISOString(),
    updatedAt: new Date(account.updatedAt).toISOString()
  }
}

/** The providers to offer: the configured value, or the subset `?providers=A,B` asks for. */
function providersFor (configured: ConnectConfig['providers'], requested: string | undefined): string | string[] {
  const allowed: readonly string[] = Array.isArray(configured) ? configured : UNIPILE_PROVIDERS
  if (requested === undefined) return configured ?? '*'
  const asked = [...new Set(requested.split(','))]
  const refused = asked.filter(provider => !allowed.includes(provider))
  if (refused.length > 0) throw new RequestError(400, ErrorCode.invalidRequest, `providers not offered here: ${refused.join(', ')}`)
  return asked
}

/**
 * Unipile hosted auth: connect and reconnect (302 to Unipile's wizard), the notify route that
 * records user ↔ account, the account-status webhook, and the user's account list.
 */
export async function connectRoutes (untyped: FastifyInstance, config: ConnectConfig): Promise<void> {
  // The route schemas are the types of request.query, params and body.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>()
  const unipile = new UnipileClient({ apiUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs ?? 5000 })
  const lifetimeMs = (config.linkLifetimeSeconds ?? 900) * 1000
  const webhookHeader = (config.webhookHeader ?? 'unipile-auth').toLowerCase()
  const webhookSecret = [secretDigest(config.webhookSecret)]
  // Webhooks created through Unipile's API carry no JSON content type unless one is configured.
  app.addContentTypeParser(['text/plain', '*'], { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  /** Creates the link (with its one-use notify token stored) and redirects the user to it. */
  async function sendToWizard (reply: FastifyReply, userId: string, link: Pick<HostedLinkRequest, 'type' | 'providers' | 'reconnectAccount'>): Promise<FastifyReply> {
    const now = Date.now()
    const token = randomBytes(32).toString('base64url')
    const expiresAt = now + lifetimeMs
    await app.store.saveConnectLink({ tokenHash: hashToken(token), userId, type: link.type, accountId: link.reconnectAccount ?? null, expiresAt })
    const url = await unipile.createHostedLink({
      ...link,
      expiresOn: new Date(expiresAt),
      name: userId,
      notifyUrl: `${config.publicUrl}/connect/notify/${token}`,
      successRedirectUrl: config.successRedirectUrl,
      failureRedirectUrl: config.failureRedirectUrl
    })
    return reply.header('cache-control', 'no-store').redirect(url, 302)
  }

  async function browserUser (request: FastifyRequest, reply: FastifyReply): Promise<string | null> {
    const user = await request.signedInUser()
    if (user !== null) return user.userId
    await reply.header('cache-control', 'no-store').redirect(app.identifier.signInRedirect(request), 302)
    return null
  }

  app.get('/connect', {
    config: { errorPage: true, invalidRequestMessage: 'providers must be a comma-separated list of Unipile provider names (LINKEDIN,WHATSAPP), and the only parameter' },
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { providers: { type: 'string', pattern: '^[A-Z]+(,[A-Z]+)*$', maxLength: 200 } } },
      response: pages
    }
  }, async function connectAccount (request, reply) {
    const userId = await browserUser(request, reply)
    if (userId === null) return reply
    const providers = providersFor(config.providers, request.query.providers)
    return await sendToWizard(reply, userId, { type: 'create', providers })
  })

  app.get('/connect/reconnect', {
    config: { errorPage: true, invalidRequestMessage: 'account must be the id of one of your connected accounts, and the only parameter' },
    schema: {
      querystring: { type: 'object', additionalProperties: false, required: ['account'], properties: { account: ACCOUNT_ID } },
      response: pages
    }
  }, async function reconnectAccount (request, reply) {
    const userId = await browserUser(request, reply)
    if (userId === null) return reply
    const accountId = request.query.account
    const account = await app.store.getAccount(accountId)
    // Someone else's account answers exactly like an unknown one.
    if (account === null || account.userId !== userId) throw new RequestError(404, ErrorCode.notFound, 'No such account')
    return await sendToWizard(reply, userId, { type: 'reconnect', providers: '*', reconnectAccount: accountId })
  })

  app.post('/connect/notify/:token', {
    config: {
      invalidRequestMessage: {
        params: 'The notify token must be the 43-character token of a hosted auth link',
        body: 'Request body must be {"status": "CREATION_SUCCESS" | "RECONNECTED", "account_id": string, "name"?: string}'
      }
    },
    schema: {
      params: { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } } },
      body: {
        type: 'object',
        required: ['status', 'account_id'],
        properties: { status: { enum: ['CREATION_SUCCESS', 'RECONNECTED'] }, account_id: ACCOUNT_ID, name: { type: 'string', maxLength: 256 } }
      },
      response: { 200: accountReply, ...errors }
    }
  }, async function recordConnection (request) {
    const { token } = request.params
    const { body } = request
    const link = await app.store.getConnectLink(hashToken(token))
    if (link === null) throw new RequestError(401, ErrorCode.unauthorized, 'Unknown notify token')
    if (link.expiresAt + EXPIRED_LINK_RETENTION_MS < Date.now()) throw new RequestError(401, ErrorCode.linkExpired, 'This link expired')
    if (body.name !== undefined && body.name !== link.userId) throw new RequestError(400, ErrorCode.invalidRequest, 'name does not match the link')
    if (link.accountId !== null && body.account_id !== link.accountId) throw new RequestError(400, ErrorCode.invalidRequest, 'account_id does not match the reconnected account')
    const result = await app.store.recordAccount(body.account_id, link.userId, body.status, Date.now())
    if (!result.owned) throw new RequestError(409, ErrorCode.accountTaken, 'This account is connected to another user')
    request.log.info({ userId: link.userId, accountId: body.account_id, status: body.status }, 'account connected')
    return toAccountReply(result.account)
  })

  app.post('/connect/webhook', {
    config: { invalidRequestMessage: 'Request body must be {"AccountStatus": {"account_id": string, "message": string, "account_type"?: string}}' },
    schema: {
      body: {
        type: 'object',
        required: ['AccountStatus'],
        properties: {
          AccountStatus: {
            type: 'object',
            required: ['account_id', 'message'],
            properties: { account_id: ACCOUNT_ID, account_type: { type: 'string', maxLength: 64 }, message: { type: 'string', pattern: '^[A-Z_]{1,64}$' } }
          }
        }
      },
      response: {
        200: { type: 'object', required: ['accountId', 'known'], properties: { accountId: { type: 'string' }, known: { type: 'boolean' }, status: { type: 'string' } } },
        ...errors
      }
    },
    preValidation: async function checkWebhookSecret (request) {
      if (!matchesSecret(request.headers[webhookHeader], webhookSecret)) throw new RequestError(401, ErrorCode.unauthorized, `A valid ${webhookHeader} header is required`)
    }
  }, async function accountStatus (request) {
    const { account_id: accountId, message } = request.body.AccountStatus
    const account = await app.store.setAccountStatus(accountId, message, Date.now())
    // Unknown accounts (connected outside auth-hooks) still get 200: Unipile retries anything else.
    if (account === null) return { accountId, known: false }
    request.log.info({ accountId, status: message, userId: account.userId }, 'account status')
    return { accountId, known: true, status: account.status }
  })

  app.get('/me/accounts', {
    onSend: allowCors(app, app.identifier.allowedOrigins, [{ url: '/me/accounts', methods: ['GET'] }]),
    schema: { response: { 200: { type: 'object', required: ['accounts'], properties: { accounts: { type: 'array', items: accountReply } } }, ...errors } }
  }, async function listOwnAccounts (request) {
    const user = await request.signedInUser()
    if (user === null) throw new RequestError(401, ErrorCode.unauthenticated, 'Sign in first: no valid session token')
    return { accounts: (await app.store.listAccounts(user.userId)).map(toAccountReply) }
  })
}

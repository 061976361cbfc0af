import { fastifyCookie } from '@fastify/cookie'
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ChargebeeLoginConfig } from '../config/types.js'
import { ErrorCode, type RequestError } from '../http/errors.js'
import { htmlPageSchema } from '../http/pages.js'
import { checkRedirect, OriginAllowlist, safeRedirect } from '../http/redirects.js'
import { ChargebeeLoginClient } from './client.js'
import { SessionCookie } from '../identity/sessions.js'

export const LOGIN_PATH = '/auth/chargebee/login'
export const RETURN_PATH = '/auth/chargebee/return'
export const LOGOUT_PATH = '/auth/chargebee/logout'
/** Chargebee's cancel_url unless chargebeeLogin.cancelUrl says otherwise: a real page, not a 404. */
export const CANCELLED_PATH = '/auth/chargebee/cancelled'
/** Carries ?next= across the trip to Chargebee, so nothing depends on how Chargebee appends to return_url. */
const NEXT_COOKIE = 'auth_hooks_login_next'
const NEXT_COOKIE_SECONDS = 3600
const SESSION_ID = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } as const

const LOGIN_FAILED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body><h1>Sign-in failed</h1>
<p>This sign-in link is invalid, has expired or was already used.</p>
<p><a href="${LOGIN_PATH}">Sign in again</a></p></body></html>
`

const CANCELLED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in cancelled</title></head>
<body><h1>Sign-in cancelled</h1>
<p>You left the sign-in page before signing in.</p>
<p><a href="${LOGIN_PATH}">Sign in</a></p></body></html>
`
const pages = { 400: htmlPageSchema, 401: htmlPageSchema, 500: htmlPageSchema, 502: htmlPageSchema, 504: htmlPageSchema }

export interface ChargebeeLoginOptions {
  config: ChargebeeLoginConfig
  cookie: SessionCookie
}

/** A configured landing URL must pass the same redirect check as a user-supplied one. */
function configuredRedirect (value: string, allowlist: OriginAllowlist, key: string): string {
  const check = checkRedirect(value, allowlist)
  if (!check.ok) throw new Error(`chargebeeLogin.${key} ${check.reason}`)
  return check.url
}

/** Chargebee as the login: send to Chargebee's portal login, activate on return, log out. */
export async function chargebeeLoginRoutes (untyped: FastifyInstance, options: ChargebeeLoginOptions): Promise<void> {
  // The route schemas are the types of request.query, params and body.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>()
  const { config, cookie } = options
  const allowlist = new OriginAllowlist(config.allowedOrigins)
  const afterLogin = configuredRedirect(config.afterLoginUrl ?? '/', allowlist, 'afterLoginUrl')
  const afterLogout = configuredRedirect(config.afterLogoutUrl ?? '/', allowlist, 'afterLogoutUrl')
  const ttlMs = (config.sessionTtlSeconds ?? 86_400) * 1000
  const client = new ChargebeeLoginClient({
    apiBaseUrl: (config.apiBaseUrl ?? `https://${config.site}.chargebee.com`).replace(/\/+$/, ''),
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs ?? 5000
  })
  const loginPage = new URL('/portal/login', config.portalUrl ?? `https://${config.site}.chargebeeportal.com`)
  loginPage.searchParams.set('return_url', `${config.publicUrl}${RETURN_PATH}`)
  loginPage.searchParams.set('cancel_url', config.cancelUrl ?? `${config.publicUrl}${CANCELLED_PATH}`)
  const nextSigner = fastifyCookie.signerFactory(config.cookieSecret)
  const nextCookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/auth/chargebee' } as const

  // A plain HTML logout form posts form-encoded; its fields are not used.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => { done(null, {}) })

  function loginFailed (reply: FastifyReply): FastifyReply {
    app.refusals.count(ErrorCode.loginFailed)
    return reply.code(401).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(LOGIN_FAILED_PAGE)
  }

  app.get(LOGIN_PATH, {
    config: { errorPage: true, invalidRequestMessage: 'next must be a path or an allowed URL of at most 2048 characters, and the only parameter' },
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { next: { type: 'string', maxLength: 2048 } } },
      response: { 400: htmlPageSchema, 500: htmlPageSchema }
    }
  }, async function startLogin (request, reply) {
    const { next } = request.query
    if (next === undefined) {
      reply.clearCookie(NEXT_COOKIE, nextCookieOptions)
    } else {
      reply.setCookie(NEXT_COOKIE, nextSigner.sign(safeRedirect(next, allowlist, 'next')), { ...nextCookieOptions, maxAge: NEXT_COOKIE_SECONDS })
    }
    return reply.header('cache-control', 'no-store').redirect(loginPage.href, 302)
  })

  app.get(RETURN_PATH, {
    config: { errorPage: true, invalidRequestMessage: 'auth_session_id and auth_session_token are required: Chargebee adds them when it sends the user back' },
    schema: {
      querystring: {
        type: 'object',
        required: ['auth_session_id', 'auth_session_token'],
        properties: { auth_session_id: SESSION_ID, auth_session_token: { type: 'string', minLength: 1, maxLength: 512 } }
      },
      response: pages
    }
  }, async function finishLogin (request, reply) {
    const { auth_session_id: portalSessionId, auth_session_token: token } = request.query
    const activation = await client.activate(portalSessionId, token)
    if (!activation.ok) {
      request.log.info({ reason: activation.reason }, 'chargebee login refused')
      return loginFailed(reply)
    }
    const now = Date.now()
    const sessionId = SessionCookie.newSessionId()
    const created = await app.store.createSession({ id: sessionId, customerId: activation.session.customer_id, portalSessionId, createdAt: now, expiresAt: now + ttlMs })
    // Chargebee already refuses a second activation; this also holds if it ever did not.
    if (!created) {
      request.log.info('chargebee login refused: portal session already used')
      return loginFailed(reply)
    }
    cookie.set(reply, sessionId)
    const rawNext = request.cookies[NEXT_COOKIE]
    const unsigned = rawNext === undefined ? null : nextSigner.unsign(rawNext)
    // The cookie's value passed safeRedirect when it was set; check again rather than trust it.
    const next = unsigned?.valid === true ? checkRedirect(unsigned.value, allowlist) : null
    reply.clearCookie(NEXT_COOKIE, nextCookieOptions)
    request.log.info({ customerId: activation.session.customer_id }, 'chargebee login')
    return reply.header('cache-control', 'no-store').redirect(next?.ok === true ? next.url : afterLogin, 302)
  })

  app.get(CANCELLED_PATH, { schema: { response: { 200: htmlPageSchema } } }, async function loginCancelled (_request, reply) {
    return reply.type('text/html; charset=utf-8').send(CANCELLED_PAGE)
  })

  app.post(LOGOUT_PATH, { config: { errorPage: true }, schema: { response: pages } }, async function logout (request, reply) {
    const sessionId = cookie.sessionId(request)
    const session = sessionId === null ? null : await app.store.deleteSession(sessionId)
    cookie.clear(reply)
    if (session !== null) {
      // The app session is gone already; a failed Chargebee logout is logged, not shown.
      const loggedOut = await client.logout(session.portalSessionId).catch((error: RequestError) => {
        request.log.warn({ code: error.code }, 'chargebee logout failed')
        return false
      })
      request.log.info({ customerId: session.customerId, chargebee: loggedOut }, 'chargebee logout')
    }
    return reply.header('cache-control', 'no-store').redirect(afterLogout, 303)
  })
}

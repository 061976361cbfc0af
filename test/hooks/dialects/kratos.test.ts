/**
 * Ory Kratos calling auth-hooks, modelled on ory/kratos selfservice/hook/web_hook.go (execute,
 * parseWebhookResponse) and go-retryablehttp's default retry policy: real port, the basic_auth
 * of the shipped conf/kratos/kratos.yaml, bodies as conf/kratos/auth-hooks.jsonnet builds them
 * from Kratos' documented context (../shared/reference/auth-systems.md §2.2).
 */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { repoRoot } from '../../helpers.js'
import { postRaw, serveConfig, type RawResponse } from './harness.js'

interface HookConfig { url: string, auth: { type: string, config: { user: string, password: string } }, response: { parse: boolean }, body: string }

async function kratosHooks (): Promise<{ registration: HookConfig, login: HookConfig }> {
  const config = parse(await readFile(`${repoRoot}conf/kratos/kratos.yaml`, 'utf8'))
  const hook = (flow: string): HookConfig => config.selfservice.flows[flow].after.hooks[0].config
  return { registration: hook('registration'), login: hook('login') }
}

/** What the user gets: the flow goes on (with the identity fields the hook set), messages on fields, or a 502. */
type Outcome = { ok: true, identity: Record<string, unknown> } | { ok: false, messages: Record<string, string[]> } | { ok: false, status: number }

function kratosReads (response: RawResponse): Outcome | null {
  const { status } = response
  if (status === 429 || (status >= 500 && status !== 501)) return null
  if (status >= 400) {
    // parseWebhookResponse: each entry becomes a validation error at its instance_ptr; type "error" shows as an error.
    const body = JSON.parse(response.text)
    const messages: Record<string, string[]> = {}
    for (const entry of body.messages ?? []) {
      for (const detail of entry.messages) {
        if (!Number.isInteger(detail.id)) throw new Error('a message id must be an integer')
        const field = (entry.instance_ptr as string).replace(/^#\/?/, '').replaceAll('/', '.') || '(form)'
        ;(messages[field] ??= []).push(`${detail.type === 'error' ? 'error' : 'info'}: ${detail.text as string}`)
      }
    }
    return Object.keys(messages).length === 0 ? { ok: false, status: 500 } : { ok: false, messages }
  }
  if (status === 204) return { ok: true, identity: {} }
  if (status === 200) {
    const body = JSON.parse(response.text) // an empty or non-JSON 200 body is an error there
    return { ok: true, identity: body.identity ?? {} }
  }
  return { ok: true, identity: {} }
}

async function kratosCalls (port: number, hook: HookConfig, body: unknown): Promise<Outcome> {
  const path = new URL(hook.url).pathname
  const basic = Buffer.from(`${hook.auth.config.user}:${hook.auth.config.password}`).toString('base64')
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await postRaw(port, path, JSON.stringify(body), { 'content-type': 'application/json', authorization: `Basic ${basic}` })
    const outcome = kratosReads(response)
    if (outcome !== null) return outcome
  }
  return { ok: false, status: 502 }
}

/** conf/kratos/auth-hooks.jsonnet, applied to a Kratos template context (kept in step with the file by hand). */
function templateBody (ctx: any): unknown {
  const identity = ctx.identity ?? {}
  const traits = identity.traits ?? {}
  const method = ctx.flow.active ?? 'unknown'
  return {
    provider: method === 'oidc' ? 'oidc' : 'email' in traits ? 'email' : method,
    data: { ...(ctx.flow.transient_payload ?? {}), ...traits },
    kratos: { flow_id: ctx.flow.id, flow_type: ctx.flow.type, method, metadata_public: identity.metadata_public ?? null }
  }
}

/** A registration.after context: flow + the not yet stored identity (nil UUID) [source: identity.NewIdentity]. */
function registrationContext (traits: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    flow: { id: '7f9c5e2a-1b3d-4e6f-8a9b-0c1d2e3f4a5b', type: 'browser', active: 'password', ui: {}, state: 'choose_method', ...extra },
    identity: { id: '00000000-0000-0000-0000-000000000000', schema_id: 'default', traits, metadata_public: null },
    request_headers: { 'User-Agent': ['Mozilla/5.0'] },
    request_method: 'POST',
    request_url: 'https://auth.example.com/self-service/registration?flow=7f9c5e2a'
  }
}

const env = { KRATOS_HOOK_PASSWORD: 'change-me-to-a-long-random-password' }

t.test('Kratos registration and login after hooks, as its UI shows them', async t => {
  const hooks = await kratosHooks()
  t.equal(hooks.registration.response.parse, true, 'blocking')
  t.match(hooks.registration.body, /auth-hooks\.jsonnet$/)
  const template = await readFile(`${repoRoot}conf/kratos/auth-hooks.jsonnet`, 'utf8')
  for (const key of ['provider:', 'data: payload + traits', 'metadata_public:', 'flow_type:']) t.ok(template.includes(key), `the template sends ${key}`)
  const { app, port } = await serveConfig('conf/dialects/kratos.yaml', env)
  t.teardown(() => app.close())
  const register = (traits: Record<string, unknown>, extra?: Record<string, unknown>): Promise<Outcome> =>
    kratosCalls(port, hooks.registration, templateBody(registrationContext(traits, extra)))

  t.same(await register({ email: 'ann@company.com' }), { ok: true, identity: {} }, 'allowed: 200 {}')
  t.same(await register({ email: 'ann@gmail.com' }), { ok: false, messages: { 'traits.email': ['error: Only users with company.com domain are allowed'] } },
    'the message sits under the email field')
  t.same(await register({ email: 'ann@company.com' }, { transient_payload: { accountType: 'merchant' } }), { ok: true, identity: { metadata_public: { roles: ['merchant'] } } },
    'roles go to metadata_public, never traits')
  const existing = templateBody(registrationContext({ email: 'ann@company.com' }, { transient_payload: { accountType: 'merchant' } })) as any
  existing.kratos.metadata_public = { plan: 'pro', roles: ['beta'] }
  t.same(await kratosCalls(port, hooks.registration, existing), { ok: true, identity: { metadata_public: { plan: 'pro', roles: ['beta', 'merchant'] } } },
    'metadata_public is merged (Kratos replaces the whole field)')
  t.same(await register({ email: 'ann@gmail.com' }, { active: 'oidc' }), { ok: true, identity: {} }, 'social sign-in is provider oidc')

  const login = await kratosCalls(port, hooks.login, templateBody({ ...(registrationContext({ email: 'bob@x.blocked.example' }) as object), session: {} }))
  t.same(login, { ok: false, messages: { 'traits.email': ['error: Logins from this domain are blocked'] } }, 'a 429 deny is sent as 400, never retried')

  const wrong = await postRaw(port, '/kratos/registration', JSON.stringify(templateBody(registrationContext({ email: 'ann@company.com' }))), {
    'content-type': 'application/json', authorization: `Basic ${Buffer.from('kratos:wrong-password-0123456789').toString('base64')}`
  })
  t.equal(wrong.status, 401)
  t.same(kratosReads(wrong), { ok: false, messages: { '(form)': ['error: auth-hooks refused the hook request: Caller not authenticated: the basic credentials are not accepted'] } })
  t.equal(wrong.headers['www-authenticate'], 'Basic realm="auth-hooks"')
  const none = await postRaw(port, '/kratos/registration', '{}', { 'content-type': 'application/json' })
  t.match(kratosReads(none), { ok: false, messages: { '(form)': [/Authorization: Basic <user:password> is required/] } })
  t.same(await kratosCalls(port, hooks.registration, { identity: {} }), {
    ok: false, messages: { '(form)': ['error: auth-hooks refused the hook request: Request body must be what conf/kratos/auth-hooks.jsonnet sends: {"provider": string, "data": object, "kratos": object}'] }
  }, 'a body not built by the template is refused on the form')
  t.match(await kratosCalls(port, hooks.registration, templateBody(registrationContext({ email: 'ann@company.com', bio: 'x'.repeat(70_000) }))),
    { ok: false, messages: { '(form)': [/Request body is too large/] } }, '413 fails closed')
})

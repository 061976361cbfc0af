/**
 * Okta calling a registration inline hook, modelled on Okta's documented behaviour (closed
 * source; okta-developer-docs registration-hook reference, okta-hooks-sdk-java): the configured
 * Authorization value sent verbatim, one retry only after a failure that is not a 2xx or 4xx,
 * any `error` object denies, the widget shows errorCauses[].errorSummary at `location`.
 */
import t from 'tap'
import { postRaw, serveConfig, type RawResponse } from './harness.js'

const SECRET = 'okta-inline-hook-secret-0123456789'

type Outcome = { registered: true, profile: Record<string, unknown> } | { registered: false, shown: string, at?: string }

function oktaReads (response: RawResponse): Outcome | null {
  if (response.status === 204) return { registered: true, profile: {} }
  if (response.status >= 500) return null
  if (response.status !== 200) return { registered: false, shown: 'There was an error creating your account. Please try registering again' }
  const body = JSON.parse(response.text)
  if (body.error !== undefined) {
    const cause = body.error.errorCauses?.[0]
    return cause === undefined ? { registered: false, shown: 'Registration cannot be completed at this time.' } : { registered: false, shown: cause.errorSummary, at: cause.location }
  }
  let registration = 'ALLOW'
  const profile: Record<string, unknown> = {}
  for (const command of body.commands ?? []) {
    if (command.type === 'com.okta.action.update') registration = command.value.registration
    if (command.type === 'com.okta.user.profile.update') Object.assign(profile, command.value)
  }
  return registration === 'DENY' ? { registered: false, shown: 'Registration denied.' } : { registered: true, profile }
}

async function oktaCalls (port: number, body: unknown, authorization = `Bearer ${SECRET}`): Promise<Outcome> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await postRaw(port, '/okta/registration', JSON.stringify(body), { accept: 'application/json', 'content-type': 'application/json', authorization })
    const outcome = oktaReads(response)
    if (outcome !== null) return outcome
  }
  return { registered: false, shown: 'There was an error creating your account. Please try registering again' }
}

/** The documented self-service registration request (Identity Engine). */
function registration (profile: Record<string, unknown>, requestType = 'self.service.registration'): unknown {
  return {
    eventId: '04Dmt8BcT_aEgM',
    eventTime: '2026-11-21T09:50:11.000Z',
    eventType: 'com.okta.user.pre-registration',
    eventTypeVersion: '1.0',
    contentType: 'application/json',
    cloudEventVersion: '0.1',
    source: 'regt4qeBKU29vSoPz0g3',
    requestType,
    data: {
      context: { request: { id: 'reqId', method: 'POST', url: { value: '/idp/idx/enroll/new' }, ipAddress: '203.0.113.24' } },
      userProfile: { firstName: 'Ann', lastName: 'Lee', login: 'ann@company.com', email: 'ann@company.com', ...profile },
      action: 'ALLOW'
    }
  }
}

t.test('Okta registration inline hook: who may register, with which roles', async t => {
  const { app, port } = await serveConfig('conf/dialects/okta.yaml', { OKTA_HOOK_SECRET: SECRET })
  t.teardown(() => app.close())
  t.same(await oktaCalls(port, registration({})), { registered: true, profile: {} })
  t.same(await oktaCalls(port, registration({ email: 'ann@gmail.com', login: 'ann@gmail.com' })),
    { registered: false, shown: 'Only users with company.com domain are allowed', at: 'data.userProfile.email' })
  t.same(await oktaCalls(port, registration({ department: 'Sales' })), { registered: true, profile: { roles: ['merchant'] } })
  const progressive = registration({}, 'progressive.profile') as { data: Record<string, unknown> }
  progressive.data = { context: { user: { id: '00u1', profile: { email: 'ann@company.com', department: 'Sales' } } }, userProfileUpdate: { department: 'Sales' }, action: 'ALLOW' }
  t.same(await oktaCalls(port, progressive), { registered: true, profile: {} }, 'progressive profiling: no profile update is sent')
  progressive.data = { context: { user: { profile: { email: 'ann@gmail.com' } } }, action: 'ALLOW' }
  t.same(await oktaCalls(port, progressive), { registered: false, shown: 'Only users with company.com domain are allowed', at: 'data.userProfile.email' })

  t.same(await oktaCalls(port, registration({}), 'Bearer wrong-secret-0123456789'), { registered: false, shown: 'There was an error creating your account. Please try registering again' })
  t.same(await oktaCalls(port, { eventType: 'com.okta.user.pre-registration' }), {
    registered: false, shown: 'auth-hooks refused the hook request: Request body must be an Okta registration inline hook payload {"data": object, …}', at: 'data'
  })
  t.match(await oktaCalls(port, registration({ bio: 'x'.repeat(70_000) })), { registered: false, shown: /Request body is too large/ })
})

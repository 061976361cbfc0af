/**
 * Amazon Cognito user pools: a pre sign-up Lambda trigger asks auth-hooks' native preSignup hook
 * before Cognito creates a user (self-service SignUp, AdminCreateUser, first federated sign-in);
 * a post confirmation trigger puts the roles it answers into Cognito groups.
 *
 * Deploy this file as a Node.js 18+ Lambda (ESM, `.mjs`) with two handlers:
 * `cognito-pre-sign-up.preSignUp` as the pool's pre sign-up trigger and, for roles,
 * `cognito-pre-sign-up.postConfirmation` as its post confirmation trigger. Lambda environment
 * variables: AUTH_HOOKS_URL (the hook's full URL, e.g. https://auth-hooks.example.com/signup-hook),
 * AUTH_HOOKS_SECRET (one of auth-hooks' `caller.bearer.secrets`; encrypt it with KMS or read it
 * from Secrets Manager), AUTH_HOOKS_TIMEOUT_MS (optional, default 3000; Cognito waits 5 s).
 *
 * Fails closed: a timeout, a network error, a 5xx, a refused secret or an unparseable answer
 * throws, and Cognito refuses the sign-up (the client gets UserLambdaValidationException
 * "PreSignUp failed with error <message>."); a policy deny throws the rule's message.
 * Roles: a pre sign-up trigger cannot set groups (the user does not exist yet), so
 * `postConfirmation` asks the same hook again once the user is confirmed and adds the user to a
 * group per role (AdminAddUserToGroup; the groups must exist, and the Lambda's role needs
 * cognito-idp:AdminAddUserToGroup). Groups reach the tokens as `cognito:groups`. If auth-hooks
 * is unavailable then, the user simply gets no groups. Post confirmation does not run for
 * federated users. The AWS SDK (bundled in the Lambda Node.js runtimes) is imported only when a
 * group is added; `authHooksPostConfirmation({ addUserToGroup })` takes another way in.
 */

const UNAVAILABLE = 'Sign-up is unavailable right now, please try again later'

/**
 * Asks auth-hooks' native hook (POST {"provider","data"}). Resolves {allow: true, roles} only for
 * a 2xx {"roles": [strings]}; anything else is {allow: false, code, message}: the rule's code and
 * message for a policy deny (a 4xx), else `unavailable` (timeout, network error, 5xx, 401, a body
 * that is not that JSON, missing settings).
 */
async function askAuthHooks ({ url, secret, timeoutMs }, provider, data, unavailable) {
  const fail = code => ({ allow: false, code, message: unavailable })
  if (!url || !secret) return fail('auth-hooks-not-configured')
  let res
  let body
  try {
    res = await fetch(url, {
      method: 'POST',
      signal: AbortSignal.timeout(Number(timeoutMs) > 0 ? Number(timeoutMs) : 3000),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ provider, data })
    })
  } catch (error) {
    return fail(error?.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-unreachable')
  }
  try {
    body = await res.json() // the timeout covers the body too
  } catch (error) {
    return fail(error?.name === 'TimeoutError' ? 'auth-hooks-timeout' : 'auth-hooks-bad-answer')
  }
  const ok = body !== null && typeof body === 'object'
  if (res.ok && ok && Array.isArray(body.roles) && body.roles.every(role => typeof role === 'string')) {
    return { allow: true, roles: body.roles }
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 401 && ok && typeof body.message === 'string' && body.message !== '') {
    return { allow: false, code: typeof body.code === 'string' ? body.code : 'denied', message: body.message }
  }
  return fail(`auth-hooks-status-${res.status}`)
}

function settings () {
  return { url: process.env.AUTH_HOOKS_URL, secret: process.env.AUTH_HOOKS_SECRET, timeoutMs: process.env.AUTH_HOOKS_TIMEOUT_MS }
}

/** The native protocol's provider: the IdP of a federated sign-up (userName `Google_1234…`), else email or phone. */
function providerOf (event) {
  const attributes = event?.request?.userAttributes ?? {}
  if (event?.triggerSource === 'PreSignUp_ExternalProvider' && typeof event.userName === 'string' && event.userName.includes('_')) {
    return event.userName.slice(0, event.userName.indexOf('_')).toLowerCase()
  }
  if (attributes.email) return 'email'
  return attributes.phone_number ? 'phone' : 'username'
}

/**
 * What rules read: the client's validationData, then the user attributes, `custom:` stripped
 * (`custom:accountType` → data.accountType), standard attributes winning.
 */
function dataOf (event) {
  const attributes = event?.request?.userAttributes ?? {}
  const custom = {}
  const standard = {}
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('custom:')) custom[name.slice('custom:'.length)] = value
    else standard[name] = value
  }
  return { ...event?.request?.validationData, ...custom, ...standard, username: event?.userName }
}

/** The pre sign-up trigger: returns the event to let Cognito go on, throws to refuse. */
export async function preSignUp (event) {
  const answer = await askAuthHooks(settings(), providerOf(event), dataOf(event), UNAVAILABLE)
  if (!answer.allow) throw new Error(answer.message)
  return event
}

async function addWithSdk ({ userPoolId, username, group }) {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider')
  const client = new sdk.CognitoIdentityProviderClient({})
  await client.send(new sdk.AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }))
}

/**
 * @param {object} [options]
 * @param {(input: {userPoolId: string, username: string, group: string}) => Promise<void>} [options.addUserToGroup]
 * @returns the post confirmation trigger: adds the user to a group per role, returns the event
 */
export function authHooksPostConfirmation ({ addUserToGroup = addWithSdk } = {}) {
  return async function postConfirmation (event) {
    if (event?.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event // not after ConfirmForgotPassword
    const answer = await askAuthHooks(settings(), providerOf(event), dataOf(event), UNAVAILABLE)
    if (!answer.allow) {
      console.error(`auth-hooks gave no roles for ${event.userName}: ${answer.code}`)
      return event
    }
    for (const group of answer.roles) await addUserToGroup({ userPoolId: event.userPoolId, username: event.userName, group })
    return event
  }
}

export const postConfirmation = authHooksPostConfirmation()

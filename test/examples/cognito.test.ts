/**
 * examples/cognito-pre-sign-up.mjs as Cognito invokes a Lambda trigger: the event shaped as the
 * developer guide's pre sign-up and post confirmation pages show it; a returned event lets the
 * sign-up go on, a thrown error refuses it (UserLambdaValidationException "PreSignUp failed with
 * error <message>.").
 */
import t from 'tap'
import { DENY_MESSAGE, SECRET, SHORT_TIMEOUT_MS, endpoints } from './harness.js'

type Trigger = (event: any) => Promise<any>
const snippet = await import(new URL('../../examples/cognito-pre-sign-up.mjs', import.meta.url).href) as {
  preSignUp: Trigger
  postConfirmation: Trigger
  authHooksPostConfirmation: (options?: { addUserToGroup?: (input: { userPoolId: string, username: string, group: string }) => Promise<void> }) => Trigger
}

function useEnv (url: string, timeout?: string): void {
  process.env.AUTH_HOOKS_URL = url
  process.env.AUTH_HOOKS_SECRET = SECRET
  if (timeout === undefined) delete process.env.AUTH_HOOKS_TIMEOUT_MS
  else process.env.AUTH_HOOKS_TIMEOUT_MS = timeout
}

function event (triggerSource: string, userAttributes: Record<string, string>, userName = 'ann', validationData: Record<string, string> | null = null): any {
  return {
    version: '1',
    triggerSource,
    region: 'eu-central-1',
    userPoolId: 'eu-central-1_ABC123',
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
    request: { userAttributes, validationData, clientMetadata: {} },
    response: triggerSource.startsWith('PreSignUp') ? { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false } : {}
  }
}

/** What the client of SignUp sees. */
async function cognitoSignsUp (trigger: Trigger, input: any): Promise<{ signedUp: true } | { signedUp: false, error: string }> {
  try {
    const answer = await trigger(input)
    return answer === input ? { signedUp: true } : { signedUp: false, error: 'PreSignUp failed with error: unrecognizable lambda output' }
  } catch (error) {
    return { signedUp: false, error: `UserLambdaValidationException: PreSignUp failed with error ${(error as Error).message}.` }
  }
}

t.test('Cognito pre sign-up: who may sign up', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  useEnv(at.signup)
  t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_SignUp', { email: 'ann@company.com' })), { signedUp: true })
  t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_SignUp', { email: 'ann@gmail.com' })),
    { signedUp: false, error: `UserLambdaValidationException: PreSignUp failed with error ${DENY_MESSAGE}.` }, 'a policy deny: the rule\'s message')
  t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_ExternalProvider', { email: 'ann@gmail.com' }, 'Google_1093')),
    { signedUp: false, error: `UserLambdaValidationException: PreSignUp failed with error ${DENY_MESSAGE}.` }, 'a first federated sign-in too')
  t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_AdminCreateUser', { email: 'ann@company.com', 'custom:accountType': 'merchant' }, 'ann', { invite: 'x' })), { signedUp: true })

  for (const [what, url] of [['unreachable', at.closed], ['hanging', at.hanging], ['answering 500', at.failing], ['answering garbage', at.garbled]] as const) {
    useEnv(url, SHORT_TIMEOUT_MS)
    t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_SignUp', { email: 'ann@company.com' })),
      { signedUp: false, error: 'UserLambdaValidationException: PreSignUp failed with error Sign-up is unavailable right now, please try again later.' }, `auth-hooks ${what}: refused`)
  }
  delete process.env.AUTH_HOOKS_URL
  t.same(await cognitoSignsUp(snippet.preSignUp, event('PreSignUp_SignUp', { email: 'ann@company.com' })),
    { signedUp: false, error: 'UserLambdaValidationException: PreSignUp failed with error Sign-up is unavailable right now, please try again later.' }, 'no settings: refused')
})

t.test('Cognito post confirmation: roles become groups', async t => {
  const at = await endpoints()
  t.teardown(at.close)
  useEnv(at.signup)
  const added: unknown[] = []
  const trigger = snippet.authHooksPostConfirmation({ addUserToGroup: async input => { added.push(input) } })
  t.equal(typeof snippet.postConfirmation, 'function', 'the default trigger (AWS SDK, imported on first use)')

  const merchant = event('PostConfirmation_ConfirmSignUp', { sub: 'a1b2', email: 'ann@company.com', 'custom:accountType': 'merchant', 'cognito:user_status': 'CONFIRMED' })
  t.equal(await trigger(merchant), merchant, 'the event is returned')
  t.same(added, [{ userPoolId: 'eu-central-1_ABC123', username: 'ann', group: 'merchant' }], 'custom:accountType read as data.accountType; one group per role')

  added.length = 0
  await trigger(event('PostConfirmation_ConfirmSignUp', { email: 'ann@company.com' }))
  await trigger(event('PostConfirmation_ConfirmForgotPassword', { email: 'ann@company.com', 'custom:accountType': 'merchant' }))
  t.same(added, [], 'no roles, or a password reset: no group')

  useEnv(at.closed, SHORT_TIMEOUT_MS)
  const errors: string[] = []
  const original = console.error
  console.error = (line: string) => { errors.push(line) }
  t.teardown(() => { console.error = original })
  t.equal(await trigger(merchant), merchant, 'auth-hooks unavailable: the confirmed user goes on…')
  t.same(added, [], '…without groups')
  t.match(errors, [/auth-hooks gave no roles for ann: auth-hooks-unreachable/])
})

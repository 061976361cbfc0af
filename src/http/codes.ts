import { PolicyCode } from '../policy/types.js'

/** Every `code` auth-hooks itself puts in a 4xx/5xx body. Rule denials carry the operator's codes. */
export const ErrorCode = {
  ...PolicyCode,
  invalidJson: 'invalid-json',
  unsupportedMediaType: 'unsupported-media-type',
  bodyTooLarge: 'body-too-large',
  invalidRequest: 'invalid-request',
  unknownHook: 'unknown-hook',
  notFound: 'not-found',
  badRequest: 'bad-request',
  internal: 'internal-error',
  jsonTooDeep: 'json-too-deep',
  stringTooLong: 'string-too-long',
  methodNotAllowed: 'method-not-allowed',
  overloaded: 'overloaded',
  replayCheckUnavailable: 'replay-check-unavailable',
  unsafeRedirect: 'unsafe-redirect',
  noCustomer: 'no-customer',
  portalTimeout: 'portal-timeout',
  portalUnavailable: 'portal-unavailable',
  portalRefused: 'portal-refused',
  unauthenticated: 'unauthenticated',
  unauthorized: 'unauthorized',
  invalidProfile: 'invalid-profile',
  accountTaken: 'account-taken',
  linkExpired: 'link-expired',
  connectUnavailable: 'connect-unavailable',
  connectRefused: 'connect-refused',
  loginUnavailable: 'login-unavailable',
  sessionInvalid: 'session-invalid',
  requestTimeout: 'request-timeout',
  headersTooLarge: 'headers-too-large',
  loginFailed: 'login-failed',
  originNotAllowed: 'origin-not-allowed',
  uriTooLong: 'uri-too-long'
} as const

export type ErrorCodeValue = typeof ErrorCode[keyof typeof ErrorCode]

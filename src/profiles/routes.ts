import { Ajv, type ErrorObject } from 'ajv'
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts'
import type { FromSchema } from 'json-schema-to-ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AdminConfig, ProfilesConfig } from '../config/types.js'
import { bearerToken, matchesSecret, secretDigest } from '../http/credentials.js'
import { allowCors } from '../http/cors.js'
import { ErrorCode, errorBodySchema, RequestError } from '../http/errors.js'
import type { Profile } from '../store/types.js'

export interface ProfileRoutesOptions {
  profiles: ProfilesConfig
  admin?: AdminConfig
}

const profileReply = {
  type: 'object',
  required: ['userId', 'profile', 'createdAt', 'updatedAt'],
  properties: {
    userId: { type: 'string' },
    profile: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const

function toReply (profile: Profile): FromSchema<typeof profileReply> {
  return {
    userId: profile.userId,
    profile: profile.data,
    createdAt: new Date(profile.createdAt).toISOString(),
    updatedAt: new Date(profile.updatedAt).toISOString()
  }
}

/**
 * The operator's JSON Schema, compiled once at load. Keys it does not list are refused, whatever
 * the schema says about additionalProperties.
 */
export function compileProfileSchema (schema: ProfilesConfig['schema']): (value: unknown) => ErrorObject[] | null {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
  let validate: ReturnType<Ajv['compile']>
  try {
    validate = ajv.compile({ ...schema, additionalProperties: false })
  } catch (error) {
    throw new Error(`profiles.schema is not a usable JSON Schema: ${(error as Error).message}`)
  }
  return value => validate(value) ? null : validate.errors as ErrorObject[]
}

function describeProfileErrors (errors: ErrorObject[]): Array<{ path: string, message: string }> {
  return errors.map(error => error.keyword === 'additionalProperties'
    ? { path: `/${error.params.additionalProperty as string}`, message: 'is not an accepted field' }
    : { path: error.instancePath === '' ? '/' : error.instancePath, message: error.message as string })
}

async function signedInUserId (request: FastifyRequest): Promise<string> {
  const user = await request.signedInUser()
  if (user === null) throw new RequestError(401, ErrorCode.unauthenticated, 'Sign in first: no valid session token')
  return user.userId
}

/** POST/GET /users/me (the signed-in user's own profile) and GET /admin/users/:id (the app's back end). */
export async function profileRoutes (untyped: FastifyInstance, options: ProfileRoutesOptions): Promise<void> {
  // The route schemas are the types of request.query, params and body.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>()
  const validateProfile = compileProfileSchema(options.profiles.schema)
  const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema }
  // A front end on identity.allowedOrigins may call /users/me from the browser.
  const cors = allowCors(app, app.identifier.allowedOrigins, [{ url: '/users/me', methods: ['GET', 'POST'] }])

  app.post('/users/me', {
    onSend: cors,
    bodyLimit: options.profiles.maxBytes ?? 16_384,
    config: { invalidRequestMessage: 'Request body must be a JSON object of profile fields' },
    schema: { body: { type: 'object', additionalProperties: true }, response: { 200: profileReply, ...errors } }
  }, async function saveProfile (request, reply) {
    const userId = await signedInUserId(request)
    const problems = validateProfile(request.body)
    if (problems !== null) {
      app.refusals.count(ErrorCode.invalidProfile)
      return reply.code(400).send({ code: ErrorCode.invalidProfile, message: 'Profile fields do not match the schema', detail: describeProfileErrors(problems) })
    }
    const profile = await app.store.saveProfile(userId, request.body, Date.now())
    request.log.info({ userId }, 'profile saved')
    return toReply(profile)
  })

  app.get('/users/me', { onSend: cors, schema: { response: { 200: profileReply, ...errors } } }, async function readOwnProfile (request) {
    const profile = await app.store.getProfile(await signedInUserId(request))
    if (profile === null) throw new RequestError(404, ErrorCode.notFound, 'No profile saved yet')
    return toReply(profile)
  })

  const admin = options.admin
  if (admin === undefined) return
  const adminToken = [secretDigest(admin.token)]
  app.get('/admin/users/:id', {
    config: { invalidRequestMessage: 'The user id must be 1 to 256 characters' },
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 256 } } },
      response: { 200: profileReply, ...errors }
    }
  }, async function readProfileAsAdmin (request, reply) {
    if (!matchesSecret(bearerToken(request.headers.authorization), adminToken)) {
      reply.header('www-authenticate', 'Bearer')
      throw new RequestError(401, ErrorCode.unauthorized, 'A valid admin token is required')
    }
    const { id } = request.params
    const profile = await app.store.getProfile(id)
    if (profile === null) throw new RequestError(404, ErrorCode.notFound, 'No profile for this user')
    return toReply(profile)
  })
}

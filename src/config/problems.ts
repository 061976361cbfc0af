import { schemaDefinition, type SchemaError } from './schema.js'

/** Where a value sits in the config: keys and array indexes from the root. */
export type Path = Array<string | number>

export interface SchemaProblem {
  path: Path
  /** A key inside the node at `path` that the problem is about (unknown or misplaced keys). */
  key?: string
  message: string
}

const CONDITION_KINDS = ['all', 'any', 'not', 'provider', 'field', 'emailDomain', 'emailAddress', 'emailSubaddress']
const RULE_ACTIONS = ['deny', 'allow', 'roles']
const DOMAIN_MODES = ['in', 'notIn']
const CALLER_MODES = ['none', 'bearer', 'header', 'basic', 'standardWebhooks']
const IDENTITY_SOURCES = ['jwt', 'signedCookie']
const JWT_KEYS = ['jwksUrl', 'secret', 'publicKey']

// Ajv inlines $refs, so errors are recognised by the schema object they come from, not by path.
const ANY_OF_MESSAGES = new Map<unknown, string>([
  [schemaDefinition('defaultOutcome'), 'must be allow, deny or {deny: {code, message}}'],
  [schemaDefinition('domainList'), 'must be a list of domains, {file: path} or {builtin: disposable | freemail}'],
  [schemaDefinition('valueList'), 'must be a list of values or {file: path}'],
  [schemaDefinition('addressList'), 'must be a list of addresses or {file: path}'],
  [schemaDefinition('emailSubaddress'), 'must be true or {field, separators}'],
  [(schemaDefinition('condition') as { properties: { provider: object } }).properties.provider, 'must be a provider name or a list of them']
])

function toPath (instancePath: string): Path {
  if (instancePath === '') return []
  return instancePath.slice(1).split('/').map(part => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~')
    return /^\d+$/.test(key) ? Number(key) : key
  })
}

function valueAt (data: unknown, path: Path): unknown {
  let value = data
  for (const key of path) value = (value as Record<string | number, unknown>)[key]
  return value
}

function quoteAll (keys: string[]): string {
  return keys.map(key => `"${key}"`).join(', ')
}

/** Says which of `choices` an object has too few or too many of. */
function exactlyOne (value: unknown, choices: string[], what: string): string {
  const present = choices.filter(key => Object.hasOwn(value as object, key))
  return present.length === 0
    ? `needs one ${what}, one of ${quoteAll(choices)}`
    : `has more than one ${what} (${quoteAll(present)}); use one per object`
}

function oneOfMessage (error: SchemaError, value: unknown): string {
  if (error.parentSchema === schemaDefinition('rule')) return exactlyOne(value, RULE_ACTIONS, 'action')
  if (error.parentSchema === schemaDefinition('emailDomain') || error.parentSchema === schemaDefinition('emailAddress')) return exactlyOne(value, DOMAIN_MODES, 'list')
  if (error.parentSchema === schemaDefinition('caller')) return exactlyOne(value, CALLER_MODES, 'caller mode')
  if (error.parentSchema === schemaDefinition('identity')) return exactlyOne(value, IDENTITY_SOURCES, 'identity source')
  if (error.parentSchema === schemaDefinition('identityJwt')) return exactlyOne(value, JWT_KEYS, 'key source')
  return exactlyOne(value, CONDITION_KINDS, 'condition')
}

function kindOf (value: unknown): string {
  return CONDITION_KINDS.find(kind => Object.hasOwn(value as object, kind)) ?? 'this'
}

function describe (error: SchemaError, data: unknown): SchemaProblem {
  const path = toPath(error.instancePath)
  const value = valueAt(data, path)
  switch (error.keyword) {
    case 'additionalProperties':
      return { path, key: error.params.additionalProperty, message: `unknown key "${error.params.additionalProperty}"` }
    case 'required':
      return { path, message: `missing "${error.params.missingProperty}"` }
    case 'propertyNames':
      return {
        path,
        key: error.params.propertyName,
        message: `"${error.params.propertyName}" cannot be used in a ${kindOf(value)} condition`
      }
    case 'enum':
      return { path, message: `must be one of ${(error.params.allowedValues as unknown[]).map(value => JSON.stringify(value)).join(', ')}` }
    case 'oneOf':
      return { path, message: oneOfMessage(error, value) }
    case 'anyOf':
      return { path, message: ANY_OF_MESSAGES.get(error.parentSchema) ?? (error.message as string) }
    case 'minProperties':
      if (path.length === 1) return { path, message: 'needs at least one hook: preSignup or preLogin' }
      return { path, message: 'a field condition needs at least one test (exists, equals, in, notIn, matches, notMatches, minLength, maxLength)' }
    default:
      return { path, message: error.message as string }
  }
}

function isBranchOf (error: SchemaError, parent: SchemaError): boolean {
  return error.schemaPath.startsWith(`${parent.schemaPath}/`) && error.instancePath.startsWith(parent.instancePath)
}

/**
 * Turns Ajv's raw errors into one readable problem each. Errors inside a failed `oneOf`/`anyOf`
 * branch are noise (every branch but the intended one fails), so for `anyOf` they are kept only
 * when they point deeper than the anyOf itself, and for the key-presence `oneOf`s never.
 */
export function describeSchemaErrors (errors: SchemaError[], data: unknown): SchemaProblem[] {
  const groups = errors.filter(error => error.keyword === 'oneOf' || error.keyword === 'anyOf')
  const problems: SchemaProblem[] = []
  const seen = new Set<string>()
  for (const error of errors) {
    if (error.keyword === 'if') continue
    if (error.schemaPath.includes('/propertyNames/')) continue
    // "more than one condition" already says it; the per-kind key checks would only repeat it
    if (error.keyword === 'propertyNames' && groups.some(group => group.keyword === 'oneOf' && group.instancePath === error.instancePath)) continue
    const group = groups.find(parent => parent !== error && isBranchOf(error, parent))
    if (group !== undefined && (group.keyword === 'oneOf' || error.instancePath === group.instancePath)) continue
    if (error.keyword === 'anyOf' && errors.some(inner => isBranchOf(inner, error) && inner.instancePath !== error.instancePath)) continue
    const problem = describe(error, data)
    const id = `${problem.path.join('/')}|${problem.key ?? ''}|${problem.message}`
    if (seen.has(id)) continue
    seen.add(id)
    problems.push(problem)
  }
  return problems
}

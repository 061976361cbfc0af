import type { DialectName, HookName } from './types.js'

/** One row of the hooks table: a hook of the policy as one calling system speaks it. */
export interface HookRow {
  hook: HookName
  dialect: DialectName
  /** Where the hook is served unless the entry names a `path`. */
  path: string
  /** Whether the answer can carry roles (rules with `roles` are refused where it cannot). */
  roles: boolean
  /** Why not, for the problem message. */
  noRoles?: string
  /** The hook entry's key holding this dialect's options, if it has any. */
  options?: 'supabase' | 'kratos' | 'okta'
}

/**
 * The hooks table: every hook, dialect by dialect. It lives here, below the hooks feature, so
 * that `check`, `test` and a live reload refuse a dialect on the wrong hook, or roles a
 * dialect cannot carry, exactly as the server would. The dialects' wire code (request schema,
 * mapping, answers) is in src/hooks/dialects/, one module per dialect, found by `dialect`.
 * Adding a dialect: its module, its row(s) here, its name in DialectName and in the schema.
 */
export const HOOK_TABLE: readonly HookRow[] = [
  { hook: 'preSignup', dialect: 'native', path: '/signup-hook', roles: true },
  { hook: 'preLogin', dialect: 'native', path: '/login-hook', roles: false, noRoles: 'the auth system ignores them on login' },
  {
    hook: 'preSignup',
    dialect: 'supabase-before-user-created',
    path: '/supabase/before-user-created',
    roles: false,
    noRoles: 'its answer carries none; add them on preLogin with supabase-custom-access-token'
  },
  { hook: 'preLogin', dialect: 'supabase-custom-access-token', path: '/supabase/custom-access-token', roles: true, options: 'supabase' },
  { hook: 'preSignup', dialect: 'kratos', path: '/kratos/registration', roles: true, options: 'kratos' },
  {
    hook: 'preLogin',
    dialect: 'kratos',
    path: '/kratos/login',
    roles: false,
    noRoles: 'Kratos does not store identity changes made at login',
    options: 'kratos'
  },
  { hook: 'preSignup', dialect: 'okta-registration', path: '/okta/registration', roles: true, options: 'okta' }
]

/** The row of a hook in a dialect, or undefined when that dialect has no such hook. */
export function hookRow (hook: HookName, dialect: DialectName): HookRow | undefined {
  return HOOK_TABLE.find(row => row.hook === hook && row.dialect === dialect)
}

/** The dialects a hook can speak, for problem messages. */
export function dialectsOf (hook: HookName): DialectName[] {
  return HOOK_TABLE.filter(row => row.hook === hook).map(row => row.dialect)
}

/** The dialects whose options sit under `key`, for problem messages. */
export function dialectsWithOptions (key: string): DialectName[] {
  return [...new Set(HOOK_TABLE.filter(row => row.options === key).map(row => row.dialect))]
}

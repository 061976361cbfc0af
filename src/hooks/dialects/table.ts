import type { DialectName } from '../../policy/types.js'
import { kratos } from './kratos.js'
import { native } from './native.js'
import { oktaRegistration } from './okta-registration.js'
import { supabaseBeforeUserCreated } from './supabase-before-user-created.js'
import { supabaseCustomAccessToken } from './supabase-custom-access-token.js'
import type { Dialect } from './types.js'

/**
 * Each dialect's wire code by name. Which hooks speak which dialect, their default paths and
 * whether roles can travel is the hooks table in src/policy/hook-table.ts (below this feature,
 * so `check` and a reload refuse what the server could not answer); this Record must name every
 * DialectName, so a dialect added there without a module here does not compile.
 */
export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  native,
  'supabase-before-user-created': supabaseBeforeUserCreated,
  'supabase-custom-access-token': supabaseCustomAccessToken,
  kratos,
  'okta-registration': oktaRegistration
}

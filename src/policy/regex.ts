import { checkSync } from 'recheck'

export type RegexCheck = { ok: true, regex: RegExp } | { ok: false, reason: string }

const checked = new Map<string, RegexCheck>()

function analyse (pattern: string, flags: string): RegexCheck {
  let regex: RegExp
  try {
    regex = new RegExp(pattern, flags)
  } catch (error) {
    return { ok: false, reason: `is not a valid regular expression (${(error as Error).message})` }
  }
  const report = checkSync(pattern, flags, { timeout: 2000 })
  if (report.status === 'safe') return { ok: true, regex }
  if (report.status === 'vulnerable') {
    const advice = report.complexity.type === 'exponential'
      ? 'avoid nested or overlapping repetition such as (a+)+ or (a|a)*'
      : 'anchor it with ^…$ or bound the repetition'
    return {
      ok: false,
      reason: `can backtrack catastrophically (${report.complexity.type} time, e.g. on ${report.attack.pattern}); ${advice}`
    }
  }
  return { ok: false, reason: 'could not be proven safe from catastrophic backtracking' }
}

/**
 * Compiles a pattern after proving it cannot backtrack catastrophically (recheck's analysis,
 * which unlike a star-height check also catches overlapping alternations such as `(a|a)*`).
 * Results are cached by pattern, so reloading a config does not analyse the same pattern twice.
 */
export function compileSafeRegex (pattern: string, ignoreCase: boolean): RegexCheck {
  const flags = ignoreCase ? 'iu' : 'u'
  const key = `${flags}/${pattern}`
  let result = checked.get(key)
  if (result === undefined) {
    result = analyse(pattern, flags)
    checked.set(key, result)
  }
  return result
}

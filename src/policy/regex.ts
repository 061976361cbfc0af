import * as recheck from 'recheck'

export type RegexCheck = { ok: true, regex: RegExp } | { ok: false, reason: string }

const checked = new Map<string, RegexCheck>()

function analyse (pattern: string, flags: string): RegexCheck {
  let regex: RegExp
  try {
    regex = new RegExp(pattern, flags)
  } catch (error) {
    return { ok: false, reason: `is not a valid regular expression (${(error as Error).message})` }
  }
  const report = recheck.checkSync(pattern, flags, { timeout: 2000 })
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
  const { flags, key } = cacheKey(pattern, ignoreCase)
  let result = checked.get(key)
  if (result === undefined) {
    result = analyse(pattern, flags)
    checked.set(key, result)
  }
  return result
}

function cacheKey (pattern: string, ignoreCase: boolean): { flags: string, key: string } {
  const flags = ignoreCase ? 'iu' : 'u'
  return { flags, key: `${flags}/${pattern}` }
}

export interface PatternUse {
  pattern: string
  ignoreCase: boolean
}

/** Every `matches`/`notMatches` pattern in a validated config, with its condition's ignoreCase. */
export function patternsIn (value: unknown): PatternUse[] {
  if (value === null || typeof value !== 'object') return []
  const { matches, notMatches, ignoreCase } = value as Record<string, unknown>
  const found = [matches, notMatches]
    .filter((pattern): pattern is string => typeof pattern === 'string')
    .map(pattern => ({ pattern, ignoreCase: ignoreCase === true }))
  for (const child of Object.values(value)) found.push(...patternsIn(child))
  return found
}

/**
 * Proves patterns safe before the policy is compiled, all at once, with recheck's asynchronous
 * check (its native analyser in a child process); compileSafeRegex then finds them cached.
 * checkSync alone starts a worker thread that loads recheck a second time and stays for the life
 * of the process: profiled at about 1.5 s of start-up and 40 MB of RSS. A pattern that is not
 * proven safe here is left to compileSafeRegex, which says why.
 */
export async function proveSafeRegexes (uses: readonly PatternUse[]): Promise<void> {
  const pending = new Map<string, Promise<void>>()
  for (const { pattern, ignoreCase } of uses) {
    const { flags, key } = cacheKey(pattern, ignoreCase)
    if (checked.has(key) || pending.has(key)) continue
    pending.set(key, (async () => {
      let regex: RegExp
      try {
        regex = new RegExp(pattern, flags)
      } catch {
        return
      }
      const report = await recheck.check(pattern, flags, { timeout: 2000 })
      if (report.status === 'safe') checked.set(key, { ok: true, regex })
    })())
  }
  await Promise.all(pending.values())
}

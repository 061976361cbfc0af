import type { Path } from '../../config/problems.js'
import type { Tracer } from '../conditions.js'

/** What one compiled test did for the last request: held (true), failed (false) or never ran. */
export interface TraceRecord {
  path: Path
  label: string
  result: boolean | undefined
  /** The value the condition read, when it reads one. */
  value: unknown
  reads: boolean
}

/** Sorts parents before children and rule 2 before rule 10: indexes are zero-padded. */
function sortKey (path: Path): string {
  return path.map(part => typeof part === 'number' ? String(part).padStart(8, '0') : part).join('\u0000')
}

/**
 * Collects what every compiled test did while deciding one request. Its tracer wraps the very
 * tests the decision runs (see `ConditionContext.trace`), so the trace cannot drift from the
 * decision. Built only for `explain` and `test`; the server compiles without it.
 */
export class DecisionTrace {
  readonly #records: TraceRecord[] = []

  readonly tracer: Tracer = (path, label, test, read) => {
    const record: TraceRecord = { path, label, result: undefined, value: undefined, reads: read !== undefined }
    this.#records.push(record)
    return request => {
      if (read !== undefined) record.value = read(request)
      record.result = test(request)
      return record.result
    }
  }

  /** Forgets the last request's results. */
  reset (): void {
    for (const record of this.#records) {
      record.result = undefined
      record.value = undefined
    }
  }

  /** Records at `prefix` and below, parents before children, in document order. */
  under (prefix: Path): TraceRecord[] {
    return this.#records
      .filter(record => prefix.every((key, i) => record.path[i] === key))
      .map(record => ({ record, key: sortKey(record.path) }))
      .sort((a, b) => a.key < b.key ? -1 : 1)
      .map(({ record }) => record)
  }
}

import { ErrorCode, RequestError } from './errors.js'

export interface JsonLimits {
  /** Deepest nesting of objects/arrays; the body itself is depth 1. */
  jsonDepth: number
  /** Longest string or object key, in UTF-16 code units. */
  stringLength: number
}

function tooDeep (limits: JsonLimits): RequestError {
  return new RequestError(400, ErrorCode.jsonTooDeep, `Request body nests objects and arrays deeper than ${limits.jsonDepth} levels`)
}

function stringTooLong (limits: JsonLimits): RequestError {
  return new RequestError(400, ErrorCode.stringTooLong, `Request body has a string or key longer than ${limits.stringLength} characters`)
}

/** Strings and containers can break a limit; other scalars cannot and stay off the stack. */
function mayBreakLimit (value: unknown): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object')
}

/**
 * The first limit a parsed JSON value breaks, or null. Walks with an explicit stack, never
 * recursion, so no body can overflow the call stack here; only strings and containers are stacked.
 */
export function jsonLimitError (value: unknown, limits: JsonLimits): RequestError | null {
  const { jsonDepth, stringLength } = limits
  const nodes: unknown[] = [value]
  const depths: number[] = [0]
  while (nodes.length > 0) {
    const node = nodes.pop()
    const depth = depths.pop() as number
    if (typeof node === 'string') {
      if (node.length > stringLength) return stringTooLong(limits)
      continue
    }
    if (node === null || typeof node !== 'object') continue
    if (depth >= jsonDepth) return tooDeep(limits)
    if (Array.isArray(node)) {
      for (const child of node) {
        if (mayBreakLimit(child)) { nodes.push(child); depths.push(depth + 1) }
      }
      continue
    }
    const record = node as Record<string, unknown>
    for (const key in record) {
      if (key.length > stringLength) return stringTooLong(limits)
      const child = record[key]
      if (mayBreakLimit(child)) { nodes.push(child); depths.push(depth + 1) }
    }
  }
  return null
}

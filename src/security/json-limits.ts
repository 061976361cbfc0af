import { ErrorCode, RequestError } from '../errors.js'

export interface JsonLimits {
  /** Deepest nesting of objects/arrays; the body itself is depth 1. */
  jsonDepth: number
  /** Longest string or object key, in UTF-16 code units. */
  stringLength: number
}

type Container = Record<string, unknown> | unknown[]

function tooDeep (limits: JsonLimits): RequestError {
  return new RequestError(400, ErrorCode.jsonTooDeep, `Request body nests objects and arrays deeper than ${limits.jsonDepth} levels`)
}

function stringTooLong (limits: JsonLimits): RequestError {
  return new RequestError(400, ErrorCode.stringTooLong, `Request body has a string or key longer than ${limits.stringLength} characters`)
}

/**
 * The first limit a parsed JSON value breaks, or null. Walks with an explicit stack, never
 * recursion, so no body can overflow the call stack here; only containers are stacked.
 */
export function jsonLimitError (value: unknown, limits: JsonLimits): RequestError | null {
  const { jsonDepth, stringLength } = limits
  const containers: unknown[] = [value]
  const depths: number[] = [0]
  while (containers.length > 0) {
    const node = containers.pop()
    const depth = depths.pop() as number
    if (typeof node === 'string') {
      if (node.length > stringLength) return stringTooLong(limits)
      continue
    }
    if (node === null || typeof node !== 'object') continue
    if (depth >= jsonDepth) return tooDeep(limits)
    const children = Array.isArray(node) ? node : Object.values(node as Container)
    if (!Array.isArray(node)) {
      for (const key in node) if (key.length > stringLength) return stringTooLong(limits)
    }
    for (const child of children) {
      // Scalars other than strings cannot break a limit: keep them off the stack.
      if (typeof child === 'string' || (child !== null && typeof child === 'object')) {
        containers.push(child)
        depths.push(depth + 1)
      }
    }
  }
  return null
}

import { ErrorCode, ReplyError } from '../errors.js'

export interface JsonLimits {
  /** Deepest nesting of objects/arrays; the body itself is depth 1. */
  jsonDepth: number
  /** Longest string or object key, in UTF-16 code units. */
  stringLength: number
}

type Container = Record<string, unknown> | unknown[]

function tooDeep (limits: JsonLimits): ReplyError {
  return new ReplyError(400, ErrorCode.jsonTooDeep, `Request body nests objects and arrays deeper than ${limits.jsonDepth} levels`)
}

function stringTooLong (limits: JsonLimits): ReplyError {
  return new ReplyError(400, ErrorCode.stringTooLong, `Request body has a string or key longer than ${limits.stringLength} characters`)
}

/**
 * The first limit a parsed JSON value breaks, or null. Walks with an explicit stack, never
 * recursion, so no body can overflow the call stack here; only containers are stacked.
 */
export function jsonLimitError (value: unknown, limits: JsonLimits): ReplyError | null {
  if (typeof value === 'string') return value.length > limits.stringLength ? stringTooLong(limits) : null
  if (value === null || typeof value !== 'object') return null
  const containers: Container[] = [value as Container]
  const depths: number[] = [1]
  let error: ReplyError | null = null
  const visit = (child: unknown, depth: number): void => {
    if (typeof child === 'string') {
      if (child.length > limits.stringLength) error = stringTooLong(limits)
    } else if (child !== null && typeof child === 'object') {
      if (depth > limits.jsonDepth) error = tooDeep(limits)
      containers.push(child as Container)
      depths.push(depth)
    }
  }
  while (containers.length > 0 && error === null) {
    const node = containers.pop() as Container
    const childDepth = (depths.pop() as number) + 1
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && error === null; i++) visit(node[i], childDepth)
      continue
    }
    for (const key in node) {
      if (key.length > limits.stringLength) return stringTooLong(limits)
      visit(node[key], childDepth)
      if (error !== null) break
    }
  }
  return error
}

import type { ErrorCodeValue } from './codes.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, char => HTML_ESCAPES[char] as string)
}

export interface FailurePage {
  status: number
  code: ErrorCodeValue | string
  title: string
  message: string
}

/**
 * The page a user sees when a browser-facing flow (portal, connect, Chargebee login) fails: what
 * happened in plain words and a reference to quote to support. Never the provider's message, a
 * stack trace or a key.
 */
export function failurePageHtml (page: FailurePage, requestId: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(page.title)}</title></head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
<p>If this keeps happening, contact support and quote this reference: <code>${escapeHtml(requestId)}</code> (${escapeHtml(page.code)}).</p>
</body>
</html>
`
}

/** What the user reads for each error a browser-facing route can end in; the error's own message stays in the log. */
const PAGE_TEXT: Record<string, { title: string, message: string }> = {
  'unsafe-redirect': { title: 'This link cannot be followed', message: 'The link you followed would send you to a page outside this site, so it was stopped.' },
  'invalid-request': { title: 'This link is not valid', message: 'The link you followed is incomplete or malformed.' },
  'not-found': { title: 'Not found', message: 'There is nothing here, or it belongs to another account.' },
  'connect-refused': { title: 'Your account could not be connected', message: 'The account service refused the request. Our team can see what went wrong.' },
  'connect-unavailable': { title: 'Connecting accounts is unavailable', message: 'The account service could not be reached. Please try again in a few minutes.' },
  'login-unavailable': { title: 'Sign-in is unavailable', message: 'The sign-in service could not be reached. Please try again in a few minutes.' }
}

/** The plain page for an error answered on a browser-facing route. */
export function errorPage (status: number, code: string): FailurePage {
  const text = PAGE_TEXT[code] ?? (status >= 500
    ? { title: 'Something went wrong', message: 'The request could not be completed. Please try again in a few minutes.' }
    : { title: 'The request could not be completed', message: 'The request was refused.' })
  return { status, code, ...text }
}

/** Response schema of a route answered with one of these pages. */
export const htmlPageSchema = { type: 'string', description: 'A plain HTML page for the user, with a request id.' } as const

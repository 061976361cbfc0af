import type { ErrorCodeValue } from '../http/errors.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, char => HTML_ESCAPES[char] as string)
}

export interface FailurePage {
  status: 403 | 502 | 504
  code: ErrorCodeValue
  title: string
  message: string
}

/**
 * The page a user sees when the portal cannot be opened: what happened in plain words and a
 * reference to quote to support. Never the provider's message, a stack trace or a key.
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

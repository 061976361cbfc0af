// A very small browser for the click-through test: follows redirects, keeps cookies (everything in
// the demo runs on localhost, and cookies ignore ports, so a cookie is kept by name and path, as a
// browser keeps it for localhost; Secure cookies are kept on http://localhost as browsers do), and
// finds links and forms in a page by their visible text.
export interface Page {
  url: URL
  status: number
  html: string
}

const decode = (text: string): string => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&')

/** The value of an attribute in one tag, decoded. */
function attribute (tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return match === null ? undefined : decode(match[1]!)
}

export class Browser {
  readonly cookies = new Map<string, { value: string, path: string }>()
  /** Every URL requested, redirects included, in order. */
  readonly visited: URL[] = []

  private cookieHeader (url: URL): string | undefined {
    const sent = [...this.cookies].filter(([, cookie]) => url.pathname.startsWith(cookie.path)).map(([name, cookie]) => `${name}=${cookie.value}`)
    return sent.length === 0 ? undefined : sent.join('; ')
  }

  private keep (response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map(part => part.trim())
      const equals = pair!.indexOf('=')
      const name = pair!.slice(0, equals)
      const options = new Map(attributes.map(part => {
        const [key, ...value] = part.split('=')
        return [key!.toLowerCase(), value.join('=')]
      }))
      const expires = options.get('expires')
      const gone = options.get('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now())
      if (gone) this.cookies.delete(name)
      else this.cookies.set(name, { value: pair!.slice(equals + 1), path: options.get('path') ?? '/' })
    }
  }

  /** Opens a URL (GET, or POST with a form body) and follows redirects like a browser. */
  async go (href: string | URL, options: { base?: URL, form?: URLSearchParams } = {}): Promise<Page> {
    let url = new URL(href, options.base)
    let form = options.form
    for (let hops = 0; hops < 20; hops++) {
      this.visited.push(url)
      const cookie = this.cookieHeader(url)
      const headers: Record<string, string> = cookie === undefined ? {} : { cookie }
      const init: RequestInit = form === undefined
        ? { redirect: 'manual', headers }
        : { redirect: 'manual', method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }
      const response = await fetch(url, init)
      this.keep(response)
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.arrayBuffer()
        url = new URL(location, url)
        // 301/302/303 turn a POST into a GET, as browsers do.
        form = undefined
        continue
      }
      return { url, status: response.status, html: await response.text() }
    }
    throw new Error(`too many redirects from ${String(href)}`)
  }

  /** Follows the link whose text is `text`. */
  async click (page: Page, text: string): Promise<Page> {
    const links = [...page.html.matchAll(/<a\s[^>]*>([\s\S]*?)<\/a>/g)].filter(match => decode(match[1]!.replace(/<[^>]+>/g, '')) === text)
    if (links.length !== 1) throw new Error(`${links.length} links "${text}" on ${page.url.href}: ${page.html}`)
    return await this.go(attribute(links[0]![0], 'href') as string, { base: page.url })
  }

  /** Submits the form holding the button `button`, with its inputs' values and `fields` over them. */
  async submit (page: Page, button: string, fields: Record<string, string> = {}): Promise<Page> {
    const forms = [...page.html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].filter(match => match[2]!.includes(`<button>${button}</button>`))
    if (forms.length !== 1) throw new Error(`${forms.length} forms with the button "${button}" on ${page.url.href}: ${page.html}`)
    const [, tag, body] = forms[0]!
    const values = new URLSearchParams()
    for (const [input] of body!.matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input, 'name')
      if (name !== undefined) values.set(name, attribute(input, 'value') ?? '')
    }
    for (const [name, value] of Object.entries(fields)) values.set(name, value)
    const action = new URL(attribute(`<form${tag!}>`, 'action') ?? page.url.href, page.url)
    if ((attribute(`<form${tag!}>`, 'method') ?? 'get').toLowerCase() === 'post') return await this.go(action, { form: values })
    action.search = values.toString()
    return await this.go(action)
  }
}

/** The text of the element with this id, tags stripped. */
export function textOf (page: Page, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(page.html)
  return match === null ? undefined : decode(match[2]!.replace(/<[^>]+>/g, ''))
}

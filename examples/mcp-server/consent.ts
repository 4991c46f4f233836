/**
 * Answers an authorization request the way a user would in a browser, with fetch: follow
 * the redirects by hand, keep the cookies, sign in on oidc-provider's devInteractions
 * login form (any login and password pass), submit its consent form, and stop at the
 * redirect to the client's redirect_uri, whose `code` is the answer (RFC 6749 §4.1.2).
 */

/** How many redirects and forms one authorization may take at most. */
const MAX_STEPS = 20

/** A cookie jar as small as it can be: one value per name, paths ignored. */
class Cookies {
  readonly #values = new Map<string, string>()

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      if (value === '') this.#values.delete(name)
      else this.#values.set(name, value)
    }
  }

  get header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/** The body of the devInteractions form on `html`: its prompt, with a login when asked. */
function formOf(html: string, page: URL): { action: URL; body: URLSearchParams } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1]
  if (action === undefined || prompt === undefined) {
    throw new Error(`no login or consent form at ${page}`)
  }
  const body = new URLSearchParams({ prompt })
  if (prompt === 'login') {
    body.set('login', 'mcp-user')
    body.set('password', 'any password')
  }
  return { action: new URL(action.replaceAll('&amp;', '&'), page), body }
}

/**
 * Drives `authorizationUrl` to the redirect to `redirectUrl` and returns the authorization
 * code; an error redirect (RFC 6749 §4.1.2.1) throws with its error code.
 */
export async function answerAuthorization(
  authorizationUrl: URL,
  redirectUrl: string,
): Promise<string> {
  const cookies = new Cookies()
  let request: { url: URL; init?: RequestInit } = { url: authorizationUrl }
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      headers: { ...request.init?.headers, cookie: cookies.header },
    })
    cookies.keep(response)
    const location = response.headers.get('location')
    if (location !== null) {
      await response.body?.cancel()
      const next = new URL(location, request.url)
      if (next.href.startsWith(redirectUrl)) return codeOf(next)
      request = { url: next }
      continue
    }
    const html = await response.text()
    if (!response.ok) throw new Error(`${request.url} answered ${response.status}: ${html}`)
    const form = formOf(html, request.url)
    request = {
      url: form.action,
      init: {
        method: 'POST',
        body: form.body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    }
  }
  throw new Error(`no redirect to ${redirectUrl} after ${MAX_STEPS} steps`)
}

function codeOf(redirect: URL): string {
  const code = redirect.searchParams.get('code')
  if (code !== null) return code
  const error = redirect.searchParams.get('error') ?? 'no code'
  throw new Error(
    `authorization refused: ${error} ${redirect.searchParams.get('error_description') ?? ''}`,
  )
}

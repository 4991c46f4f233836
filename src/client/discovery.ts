import { isJsonObject } from '../wire/index.js'
import { DcrError } from './errors.js'
import { exchange, type HttpOptions } from './http.js'
import type { AuthorizationServerMetadata } from './types.js'

/**
 * The URLs to look for an issuer's metadata, in order: RFC 8414 with the well-known
 * segment inserted before the issuer's path, OpenID Connect Discovery in the same
 * inserted form, then OpenID Connect Discovery appended to the issuer.
 * @see RFC 8414 §3.1 and §5; OpenID Connect Discovery 1.0 §4.1
 */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ]
  return [...new Set(urls)]
}

/**
 * Fetches an authorization server's metadata. A URL that answers with an HTTP error, or
 * with something other than a JSON object naming an issuer, is skipped for the next; a
 * document whose `issuer` is not the one asked for is refused with `invalid_issuer`, as
 * RFC 8414 §3.3 requires.
 * @see RFC 8414 §3; OpenID Connect Discovery 1.0 §4
 */
export async function discover(
  issuer: string,
  options: HttpOptions = {},
): Promise<AuthorizationServerMetadata> {
  if (!URL.canParse(issuer)) {
    throw new DcrError('discovery_failed', `the issuer ${issuer} is not an absolute URL`)
  }
  const tried: string[] = []
  for (const url of discoveryUrls(issuer)) {
    const answer = await exchange({ url, method: 'GET' }, options)
    if (answer.status < 200 || answer.status > 299) {
      tried.push(`${url} (${answer.status})`)
      continue
    }
    // A web app answering every path with a page is not a metadata document: look on.
    if (!isJsonObject(answer.body) || typeof answer.body.issuer !== 'string') {
      tried.push(`${url} (${answer.status}, not a metadata document)`)
      continue
    }
    if (!isSameIssuer(answer.body.issuer, issuer)) {
      throw new DcrError(
        'invalid_issuer',
        `${url} names the issuer ${answer.body.issuer}, not ${issuer} (RFC 8414 §3.3)`,
        { status: answer.status, body: answer.body },
      )
    }
    return answer.body as AuthorizationServerMetadata
  }
  throw new DcrError('discovery_failed', `no metadata for ${issuer}: tried ${tried.join(', ')}`)
}

/** Identical, allowing only URL normalisation (host case, default port, an empty path's slash). */
function isSameIssuer(named: string, expected: string): boolean {
  return (
    named === expected || (URL.canParse(named) && new URL(named).href === new URL(expected).href)
  )
}

/**
 * What the client checks before it trusts client information it received or loaded: the
 * types of its members, and where its registration access token may be sent. A
 * credentials file can be edited by anyone who can write it; a server's answer can be
 * anything. Neither may send a bearer token to a host the issuer did not name.
 */
import { Value } from '@sinclair/typebox/value'
import { ClientInformationResponseSchema } from '../wire/index.js'

/**
 * Why `value` is not client information (the first member of a wrong type), or
 * undefined when it is.
 * @see RFC 7591 §3.2.1
 */
export function clientInformationProblem(value: unknown): string | undefined {
  if (Value.Check(ClientInformationResponseSchema, value)) return undefined
  const first = Value.Errors(ClientInformationResponseSchema, value).First()
  if (first === undefined) return undefined
  const member = first.path === '' ? 'the entry' : first.path.slice(1).replaceAll('/', '.')
  return `${member}: ${first.message}`
}

/**
 * Why a registration access token may not be sent to `uri`, a `registration_client_uri`,
 * or undefined when it may: the URI must be https (or http to a loopback address, for
 * development) and, when `registrationEndpoint` is given, on the origin of the
 * registration endpoint the client trusts (configured, or discovered from the issuer).
 * The token is a bearer credential: whoever receives it manages the client.
 * @see RFC 7592 §3; RFC 6750 §5.3; RFC 8252 §8.3 (loopback)
 */
export function managementUriProblem(
  uri: string,
  registrationEndpoint?: string,
): string | undefined {
  const insecure = insecureUriProblem(uri, 'registration_client_uri')
  if (insecure !== undefined || registrationEndpoint === undefined) return insecure
  const expected = new URL(registrationEndpoint).origin
  if (new URL(uri).origin !== expected) {
    return `registration_client_uri ${uri} is not on ${expected}, the origin of the registration endpoint`
  }
  return undefined
}

/**
 * Why `uri`, the value of `member`, may not carry a credential, or undefined: it must be
 * an absolute https URL, or http to a loopback address (a server on the same machine).
 * @see RFC 7591 §3 (the registration endpoint is protected by TLS); RFC 8252 §8.3
 */
export function insecureUriProblem(uri: string, member: string): string | undefined {
  if (!URL.canParse(uri)) return `${member} ${uri} is not an absolute URL`
  const url = new URL(uri)
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) {
    return undefined
  }
  return `${member} ${uri} is neither https nor http to a loopback address`
}

/** A loopback host as RFC 8252 §8.3 names them, plus `localhost` (RFC 6761 §6.3). */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

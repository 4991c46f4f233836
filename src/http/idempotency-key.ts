/**
 * The `Idempotency-Key` request header of a registration
 * (draft-ietf-httpapi-idempotency-key-header §2.1): an sf-string (RFC 8941 §3.3.3), e.g.
 * `"8e03978e-40d5-43e8-bc93-6894a57f9324"`. The key bare, without quotes, is read as the
 * same key: that is how most clients send it. The engine checks the key's length.
 */
import { OAuthError } from '../wire/index.js'

/** A quoted sf-string: printable ASCII, `"` and `\` escaped with `\` (RFC 8941 §4.2.5). */
const QUOTED = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/
/** A bare key: visible ASCII without quotes, backslashes or commas (two fields join with one). */
const BARE = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/

/**
 * The key the header carries; undefined without the header. A malformed value, or more
 * than one field (draft §2.1), is 400 invalid_request.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  const value = Array.isArray(header) ? header.join(', ') : header
  const quoted = QUOTED.exec(value)
  if (quoted) return quoted[1].replace(/\\(["\\])/g, '$1')
  if (BARE.test(value)) return value
  throw new OAuthError(
    'invalid_request',
    'the Idempotency-Key header must hold one key: a quoted string of printable ASCII, e.g. a UUID',
  )
}

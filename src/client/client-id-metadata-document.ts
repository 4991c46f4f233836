/**
 * The Client ID Metadata Document of an agent that needs no registration: its client_id is
 * an https URL, and the authorization server fetches the client's metadata from it
 * (draft-ietf-oauth-client-id-metadata-document-02, "the draft" below). This module makes
 * the document and refuses what the draft forbids, so that an agent publishes nothing a
 * server would reject; it does not decide what a given server accepts beyond that.
 */
import { SECRET_AUTH_METHODS } from '../wire/index.js'
import { DcrError } from './errors.js'
import type { ClientMetadata } from './types.js'

/**
 * A Client ID Metadata Document: client metadata (RFC 7591 §2) whose `client_id` is the
 * URL it is served at.
 * @see draft-ietf-oauth-client-id-metadata-document-02 §4
 */
export interface ClientIdMetadataDocument extends ClientMetadata {
  client_id: string
}

/**
 * The most a server reads of a document; a larger one is an error there (the draft
 * recommends 5 kilobytes), so it is refused here.
 * @see draft-ietf-oauth-client-id-metadata-document-02 §8.7
 */
export const MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES = 5 * 1024

/** Token endpoint auth methods a document may name: no shared secret can be established. */
const DOCUMENT_AUTH_METHODS: readonly string[] = ['none', 'private_key_jwt']

/** JWK members that hold private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** Grant types that send the user back to a redirect URI (RFC 7591 §2.1). */
const REDIRECT_GRANT_TYPES = ['authorization_code', 'implicit']

/** The characters of an RFC 3986 URI reference (§2), percent-encodings checked apart. */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/

/**
 * Why `url` cannot be a Client Identifier URL, or undefined when it can. It is checked as
 * written, not as a URL parser would normalise it: servers compare client_ids by simple
 * string comparison (RFC 3986 §6.2.1), so the document must name exactly this string.
 * Beyond the draft's MUSTs, the path `/` is refused: NOT RECOMMENDED there, and refused
 * by the MCP TypeScript SDK's client. A query is allowed (SHOULD NOT, not MUST NOT).
 * @see draft-ietf-oauth-client-id-metadata-document-02 §3
 */
export function clientIdUrlProblem(url: string): string | undefined {
  if (!URI_CHARACTERS.test(url) || /%(?![0-9A-Fa-f]{2})/.test(url)) {
    return `the client_id URL ${url} is not an RFC 3986 URI: percent-encode spaces and other characters (RFC 3986 §2)`
  }
  // RFC 3986 Appendix B, the scheme written in lower case (its normal form, §6.2.2.1).
  const parts = /^https:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url)
  if (parts === null || !URL.canParse(url)) {
    return `the client_id URL ${url} must use the https scheme, written in lower case (draft §3)`
  }
  const [, authority = '', path = '', , fragment] = parts
  if (authority.includes('@')) {
    return `the client_id URL ${url} must not contain a userinfo component (draft §3)`
  }
  // Checked as written: a URL parser reads https:///client as the host `client`.
  if (/^(?::\d*)?$/.test(authority)) return `the client_id URL ${url} has no host (draft §3)`
  if (path === '') return `the client_id URL ${url} must contain a path component (draft §3)`
  // Allowed by the draft but NOT RECOMMENDED, and refused by the MCP TypeScript SDK's client.
  if (path === '/') {
    return `the client_id URL ${url} must have a path other than / (the document would take the site's root; draft §3)`
  }
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) {
    return `the client_id URL ${url} must not contain single-dot or double-dot path segments (draft §3)`
  }
  if (fragment !== undefined) {
    return `the client_id URL ${url} must not contain a fragment component (draft §3)`
  }
  return undefined
}

/**
 * Makes the Client ID Metadata Document an agent publishes at `clientIdUrl`: `metadata`
 * with `client_id` set to the URL, first, and `token_endpoint_auth_method` written out
 * (`none` when absent: RFC 7591 §2's default, `client_secret_basic`, needs a shared
 * secret). Refuses, with a DcrError `invalid_client_id_metadata_document` naming the
 * rule: a URL the draft forbids (clientIdUrlProblem); a `client_id` in `metadata` that is
 * another string; a shared-secret auth method, `client_secret` or
 * `client_secret_expires_at`, or private or symmetric keys in `jwks` (draft §4.1);
 * `private_key_jwt` without exactly one of `jwks` and `jwks_uri` (draft §8.2, RFC 7591 §2);
 * no `client_name`, or no `redirect_uris` for a redirect-based grant (the MCP
 * authorization spec requires both; draft §4.2); a redirect URI with a fragment (RFC 6749
 * §3.1.2); a server-managed member (RFC 7592 §2.2); a document over 5 KiB (draft §8.7).
 * @see draft-ietf-oauth-client-id-metadata-document-02 §3, §4, §4.1, §8.2, §8.7
 */
export function createClientIdMetadataDocument(
  clientIdUrl: string,
  metadata: ClientMetadata,
): ClientIdMetadataDocument {
  const urlProblem = clientIdUrlProblem(clientIdUrl)
  if (urlProblem !== undefined) throw refusal(urlProblem)
  const members: Record<string, unknown> = structuredClone(metadata)
  delete members.client_id
  // client_id first, as a reader of the file expects it.
  const document: ClientIdMetadataDocument = {
    client_id: clientIdUrl,
    ...members,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? 'none',
  }
  const problem =
    (metadata.client_id !== undefined && metadata.client_id !== clientIdUrl
      ? `client_id ${String(metadata.client_id)} is not the document's URL ${clientIdUrl} (draft §4)`
      : undefined) ??
    credentialProblem(document) ??
    keyProblem(document) ??
    requiredMemberProblem(document) ??
    sizeProblem(document)
  if (problem !== undefined) throw refusal(problem)
  return document
}

/** The document as served and written: pretty JSON with a final newline. */
export function serializeClientIdMetadataDocument(document: ClientIdMetadataDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`
}

/** A shared secret, or a member only the server may set. */
function credentialProblem(document: ClientIdMetadataDocument): string | undefined {
  const method = document.token_endpoint_auth_method
  if (typeof method !== 'string') return 'token_endpoint_auth_method must be a string'
  if (SECRET_AUTH_METHODS.includes(method)) {
    return `token_endpoint_auth_method ${method} needs a shared secret, which a client ID metadata document cannot establish: use none or private_key_jwt (draft §4.1)`
  }
  if (!DOCUMENT_AUTH_METHODS.includes(method)) {
    return `token_endpoint_auth_method ${method} is not one a document can use here: none or private_key_jwt (draft §4.1, §8.2)`
  }
  for (const member of ['client_secret', 'client_secret_expires_at']) {
    if (Object.hasOwn(document, member)) return `${member} must not be used (draft §4.1)`
  }
  for (const member of [
    'registration_access_token',
    'registration_client_uri',
    'client_id_issued_at',
  ]) {
    if (Object.hasOwn(document, member)) {
      return `${member} is issued by a registration, not client metadata (RFC 7592 §2.2)`
    }
  }
  return undefined
}

/** Keys: public only, where the auth method needs them. */
function keyProblem(document: ClientIdMetadataDocument): string | undefined {
  const { jwks, jwks_uri: jwksUri } = document
  if (jwks !== undefined && jwksUri !== undefined) {
    return 'jwks and jwks_uri must not both be present (RFC 7591 §2)'
  }
  if (
    document.token_endpoint_auth_method === 'private_key_jwt' &&
    jwks === undefined &&
    jwksUri === undefined
  ) {
    return 'private_key_jwt needs the public keys in jwks or jwks_uri (draft §8.2)'
  }
  if (jwksUri !== undefined && !(URL.canParse(jwksUri) && new URL(jwksUri).protocol === 'https:')) {
    return `jwks_uri ${jwksUri} must be an absolute https URL (draft §8.6)`
  }
  if (jwks === undefined) return undefined
  const keys: unknown = (jwks as { keys?: unknown }).keys
  if (!Array.isArray(keys)) return 'jwks must be a JWK Set with a keys array (RFC 7517 §5)'
  for (const [index, key] of keys.entries()) {
    if (typeof key !== 'object' || key === null) return `jwks.keys[${index}] is not a JWK`
    const secret = PRIVATE_JWK_MEMBERS.find((member) => Object.hasOwn(key, member))
    if (secret !== undefined || (key as { kty?: unknown }).kty === 'oct') {
      return `jwks.keys[${index}] holds private or symmetric key material (${secret ?? 'kty oct'}); publish public keys only (draft §4.1)`
    }
  }
  return undefined
}

/** What the MCP authorization spec requires every document to carry. */
function requiredMemberProblem(document: ClientIdMetadataDocument): string | undefined {
  if (typeof document.client_name !== 'string' || document.client_name === '') {
    return 'client_name is required (MCP authorization, Client ID Metadata Documents)'
  }
  const grantTypes: unknown = document.grant_types ?? ['authorization_code']
  const redirectUris: unknown = document.redirect_uris ?? []
  if (!isStringList(grantTypes)) return 'grant_types must be a list of strings (RFC 7591 §2)'
  if (!isStringList(redirectUris)) return 'redirect_uris must be a list of strings (RFC 7591 §2)'
  if (
    redirectUris.length === 0 &&
    grantTypes.some((grant) => REDIRECT_GRANT_TYPES.includes(grant))
  ) {
    return 'redirect_uris is required for a redirect-based grant (draft §4.2; RFC 7591 §2)'
  }
  const bad = redirectUris.find((uri) => !URL.canParse(uri) || uri.includes('#'))
  if (bad !== undefined) {
    return `redirect URI ${bad} must be an absolute URI without a fragment (RFC 6749 §3.1.2)`
  }
  return undefined
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function sizeProblem(document: ClientIdMetadataDocument): string | undefined {
  const bytes = Buffer.byteLength(serializeClientIdMetadataDocument(document))
  return bytes > MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES
    ? `the document is ${bytes} bytes; servers read at most ${MAX_CLIENT_ID_METADATA_DOCUMENT_BYTES} (draft §8.7)`
    : undefined
}

function refusal(problem: string): DcrError {
  return new DcrError('invalid_client_id_metadata_document', problem)
}

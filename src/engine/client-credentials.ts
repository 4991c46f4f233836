/**
 * Checks a client's credentials for an authorization server, which then never needs the
 * secret itself (`client/authenticate`): a client secret (RFC 6749 §2.3.1,
 * client_secret_basic or client_secret_post), or a JWT client assertion (RFC 7523 §2.2):
 * client_secret_jwt, signed with the secret, or private_key_jwt, signed with a key of the
 * client's registered JWK Set, given by value (jwks) or fetched from its jwks_uri through
 * safeFetch (OpenID Connect Core 1.0 §9).
 *
 * Every refusal is the same 401 invalid_client with the same text, whether the client is
 * unknown, has expired, has no such credential or presented a wrong one (RFC 6749 §5.2):
 * the answer tells a caller nothing about which clients exist. Secrets are compared in
 * constant time, and an unknown client costs the same comparison as a known one. During a
 * rotation's overlap (secret-rotation.ts) the replaced secret is accepted too; after it,
 * it is refused as any wrong secret is.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose'
import { OAuthError, type ClientCredentials } from '../wire/index.js'
import { namedClientId, recordRefusal } from './audit-events.js'
import { liveSecrets } from './client-secret.js'
import type { RequestOrigin } from './audit.js'
import { noteClientUse } from './last-use.js'
import type { EngineContext } from './context.js'
import { issuerOf } from './discovery.js'
import { credentialClient } from './client-id-metadata.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { secretsEqual } from './secrets.js'

/** RFC 7523 §2.2: the one assertion type for a JWT used as client credentials. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** The one refusal (RFC 6749 §5.2 invalid_client); its text is the same for every cause. */
function refused(): OAuthError {
  return new OAuthError('invalid_client', 'the client credentials do not match')
}

/** Signature algorithms by method: HMAC for client_secret_jwt, the rest for keys (RFC 7518 §3.1). */
const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512']
const KEY_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]

/** Allowed clock skew for exp, nbf and iat (seconds). */
const CLOCK_TOLERANCE_SECONDS = 30

/** The client whose credentials these are; OAuthError invalid_client (401) otherwise. */
export async function authenticateClientCredentials(
  context: EngineContext,
  service: ServiceRecord,
  credentials: ClientCredentials,
  origin?: RequestOrigin,
): Promise<ClientRecord> {
  let client: ClientRecord
  try {
    client = await verifyCredentials(context, service, credentials)
  } catch (error) {
    await recordRefusal(
      context,
      service,
      'anonymous',
      origin,
      error,
      namedClientId(named(credentials)),
    )
    throw error
  }
  // A document's client (number 0: no clients row, client-id-metadata.ts) notes its use by
  // its URL.
  if (client.number !== 0) await noteClientUse(context, client)
  else await context.clientIdMetadataDocuments.noteUse(context, client)
  return client
}

async function verifyCredentials(
  context: EngineContext,
  service: ServiceRecord,
  credentials: ClientCredentials,
): Promise<ClientRecord> {
  const { client_secret: secret, client_assertion: assertion } = credentials
  if (assertion !== undefined || credentials.client_assertion_type !== undefined) {
    if (secret !== undefined) {
      // RFC 6749 §2.3: a client must not use more than one method in a request.
      throw new OAuthError(
        'invalid_request',
        'send a client secret or a client assertion, not both',
      )
    }
    return verifyAssertion(context, service, credentials)
  }
  if (secret === undefined) {
    throw new OAuthError('invalid_request', 'client_secret or client_assertion is required')
  }
  const client =
    credentials.client_id === undefined
      ? undefined
      : await credentialClient(context, service, credentials.client_id)
  const method = client?.metadata.token_endpoint_auth_method ?? 'client_secret_basic'
  const usable =
    client !== undefined && (method === 'client_secret_basic' || method === 'client_secret_post')
  // The current secret and, during a rotation's overlap, the one it replaced: both are
  // compared whatever the client, so an unknown one takes as long as a wrong secret.
  const [current = '', previous = ''] = client ? liveSecrets(client, context.now()) : []
  const matchesCurrent = secretsEqual(secret, current) && current !== ''
  const matchesPrevious = secretsEqual(secret, previous) && previous !== ''
  if (!usable || !(matchesCurrent || matchesPrevious)) throw refused()
  return client
}

/** A JWT client assertion (RFC 7523 §3), checked against the client it names. */
async function verifyAssertion(
  context: EngineContext,
  service: ServiceRecord,
  credentials: ClientCredentials,
): Promise<ClientRecord> {
  const { client_assertion: assertion, client_assertion_type: type } = credentials
  if (type !== JWT_BEARER_ASSERTION) {
    throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}`)
  }
  if (!assertion) throw new OAuthError('invalid_request', 'client_assertion is required')
  let claims: JWTPayload
  try {
    claims = decodeJwt(assertion)
  } catch {
    throw refused()
  }
  // RFC 7523 §3: iss and sub are both the client_id; RFC 7521 §4.2: a client_id sent beside
  // the assertion must name the same client.
  const clientId = claims.sub
  if (clientId === undefined || claims.iss !== clientId) throw refused()
  if (credentials.client_id !== undefined && credentials.client_id !== clientId) throw refused()
  const client = await credentialClient(context, service, clientId)
  const verifiers = client ? verifiersOf(context, client) : []
  if (!client || verifiers.length === 0) throw refused()
  const payload = await verifiedClaims(context, service, assertion, clientId, verifiers)
  rejectReplay(context, clientId, payload)
  return client
}

/** The assertion's claims, verified by the first verifier whose key it was signed with. */
async function verifiedClaims(
  context: EngineContext,
  service: ServiceRecord,
  assertion: string,
  clientId: string,
  verifiers: Verifier[],
): Promise<JWTPayload> {
  for (const verifier of verifiers) {
    const verified = await jwtVerify(assertion, verifier.key, {
      audience: audiencesOf(context, service),
      issuer: clientId,
      subject: clientId,
      algorithms: verifier.algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(context.now()),
      requiredClaims: ['exp', 'jti'],
    }).catch(() => undefined)
    if (verified) return verified.payload
  }
  throw refused()
}

interface Verifier {
  key: JWTVerifyGetKey
  algorithms: string[]
}

/**
 * What verifies the client's assertions, by its registered method: its live secrets
 * (client_secret_jwt: the current one, and during a rotation's overlap the one it
 * replaced), or its keys (private_key_jwt), given by value (jwks) or by reference
 * (jwks_uri), never both (RFC 7591 §2); a registered token_endpoint_auth_signing_alg is the
 * one algorithm accepted (OpenID Connect Dynamic Client Registration 1.0 §2).
 */
function verifiersOf(context: EngineContext, client: ClientRecord): Verifier[] {
  const { metadata } = client
  const only = (algorithms: string[]) =>
    metadata.token_endpoint_auth_signing_alg === undefined
      ? algorithms
      : algorithms.filter((alg) => alg === metadata.token_endpoint_auth_signing_alg)
  if (metadata.token_endpoint_auth_method === 'client_secret_jwt') {
    return liveSecrets(client, context.now()).map((secret) => {
      const key = new TextEncoder().encode(secret)
      return { key: () => key, algorithms: only(SECRET_ALGORITHMS) }
    })
  }
  if (metadata.token_endpoint_auth_method !== 'private_key_jwt') return []
  const { jwks, jwks_uri: jwksUri } = metadata
  if (isKeySet(jwks)) return [{ key: createLocalJWKSet(jwks), algorithms: only(KEY_ALGORITHMS) }]
  if (typeof jwksUri === 'string') {
    return [{ key: context.remoteKeySets.at(jwksUri), algorithms: only(KEY_ALGORITHMS) }]
  }
  return []
}

/**
 * RFC 7523 §3 item 7: an assertion is used once. Its jti is remembered until it expires, by
 * this node and among the last SEEN_ASSERTIONS assertions (engine.ts): behind a load
 * balancer, a replay sent to another node is not seen.
 */
function rejectReplay(context: EngineContext, clientId: string, claims: JWTPayload): void {
  const key = `${clientId} ${claims.jti}`
  const now = context.now()
  const seenUntil = context.seenAssertions.get(key)
  if (seenUntil !== undefined && seenUntil > now) throw refused()
  const expiresAt = (claims.exp! + CLOCK_TOLERANCE_SECONDS) * 1000
  context.seenAssertions.set(key, expiresAt)
}

/**
 * Who an assertion may be addressed to: the authorization server, by its issuer or by an
 * endpoint where clients authenticate (RFC 7523 §3 item 3; OpenID Connect Core 1.0 §9 names
 * the token endpoint; RFC 9126 §2 the issuer for PAR).
 */
function audiencesOf(context: EngineContext, service: ServiceRecord): string[] {
  const { settings } = service
  return [
    issuerOf(context, service),
    settings.tokenEndpoint,
    settings.pushedAuthReqEndpoint,
    settings.revocationEndpoint,
    settings.introspectionEndpoint,
    settings.backchannelAuthenticationEndpoint,
    settings.deviceAuthorizationEndpoint,
  ].filter((audience): audience is string => typeof audience === 'string' && audience !== '')
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)
  )
}

/** The client id the credentials name: beside them, or inside the assertion. */
function named(credentials: ClientCredentials): string | undefined {
  if (credentials.client_id !== undefined || !credentials.client_assertion) {
    return credentials.client_id
  }
  try {
    return decodeJwt(credentials.client_assertion).sub
  } catch {
    return undefined
  }
}

/**
 * A service's registration policy: what its Authlete settings allow, in protocol spelling.
 * An absent supported-list means every value Registrar knows (vocabulary.ts); a list, even an
 * empty one, means exactly the values it names (CONTRACT.md, Bad input).
 */
import type { AuthleteService, TrustedIssuer } from '../wire/index.js'
import {
  GRANT_TYPES,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  normaliseResponseType,
  type Vocabulary,
} from './vocabulary.js'

/** What a service allows, in protocol spelling, derived from its settings. */
export interface RegistrationPolicy {
  grantTypes: readonly string[]
  /** Normalised: the words of each value sorted ("code id_token"). */
  responseTypes: readonly string[]
  tokenEndpointAuthMethods: readonly string[]
  /** The scope allow-list; undefined means none (any scope), empty means no scope at all. */
  scopes: readonly string[] | undefined
  /** Member names kept and echoed as custom metadata (Authlete supportedCustomClientMetadata). */
  customMetadata: readonly string[]
  /** Issuers whose software statements are verified and applied (RFC 7591 §2.3). */
  trustedIssuers: readonly TrustedIssuer[]
  /** Whether fetched URIs may point into private networks (Registrar's allowPrivateNetworkUris). */
  allowPrivateNetworkUris: boolean
}

/**
 * Protocol values of a supported-list given as Authlete enum names (protocol spellings are
 * accepted too). Names with no known value are skipped. No list means every known value; an
 * empty list means none: a service that lists nothing supports nothing.
 */
function supported(list: unknown, vocabulary: Vocabulary, normalise = (v: string) => v): string[] {
  if (!Array.isArray(list)) return [...vocabulary.values]
  const values = list
    .filter((item): item is string => typeof item === 'string')
    .map((item) => vocabulary.fromAuthlete(item) ?? normalise(item))
    .filter((value) => vocabulary.toAuthlete(value) !== undefined)
  return [...new Set(values)]
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
}

/**
 * Derives the registration policy from a service's settings.
 * @see RFC 7591 §3.2.2 (the server decides which values it accepts), spec §3.7
 */
export function policyOf(settings: AuthleteService): RegistrationPolicy {
  const scopes = settings.supportedScopes
  return {
    grantTypes: supported(settings.supportedGrantTypes, GRANT_TYPES),
    responseTypes: supported(
      settings.supportedResponseTypes,
      RESPONSE_TYPES,
      normaliseResponseType,
    ),
    tokenEndpointAuthMethods: supported(
      settings.supportedTokenAuthMethods,
      TOKEN_ENDPOINT_AUTH_METHODS,
    ),
    scopes: Array.isArray(scopes)
      ? strings(scopes.map((scope) => (scope as { name?: unknown } | null)?.name))
      : undefined,
    customMetadata: strings(settings.supportedCustomClientMetadata),
    trustedIssuers: Array.isArray(settings.trustedSoftwareStatementIssuers)
      ? settings.trustedSoftwareStatementIssuers
      : [],
    allowPrivateNetworkUris: settings.allowPrivateNetworkUris === true,
  }
}

/** The policy of a service with default settings: everything known, no lists, no issuers. */
export const DEFAULT_POLICY: RegistrationPolicy = policyOf({})

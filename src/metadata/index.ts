/**
 * Client metadata rules (RFC 7591 §2, OIDC DCR §2, RFC 8252): the public face of
 * src/metadata. Pure: no I/O but the JOSE work of software statements.
 */
import type { AuthleteClient, AuthleteService, ClientMetadata, TrustedIssuer } from '../wire/index.js'

/** What a service allows, in protocol spelling, derived from its settings. */
export interface RegistrationPolicy {
  grantTypes: readonly string[]
  /** Normalised: the words of each value sorted ("code id_token"). */
  responseTypes: readonly string[]
  tokenEndpointAuthMethods: readonly string[]
  /** Empty means no allow-list. */
  scopes: readonly string[]
  /** Member names kept and echoed as custom metadata (Authlete supportedCustomClientMetadata). */
  customMetadata: readonly string[]
  /** Issuers whose software statements are verified and applied (RFC 7591 §2.3). */
  trustedIssuers: readonly TrustedIssuer[]
}

export interface ResolveOptions {
  /** Seconds since the epoch, for software statement exp / nbf / iat. */
  now: number
}

export declare function policyOf(settings: AuthleteService): RegistrationPolicy
export declare function resolveClientMetadata(
  input: unknown,
  policy: RegistrationPolicy,
  options: ResolveOptions,
): Promise<ClientMetadata>
export declare function clientMetadataToAuthlete(metadata: ClientMetadata): AuthleteClient
export declare function authleteToClientMetadata(client: AuthleteClient): ClientMetadata
export declare function needsSecret(metadata: ClientMetadata): boolean

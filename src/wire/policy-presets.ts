/**
 * Policy presets: ready documents for the usual kinds of service. Each is an ordinary policy
 * document (wire/policy.ts), so what a preset does can be read, stored, and changed member
 * by member like any other.
 */
import type { Policy } from './policy.js'

export const POLICY_PRESET_NAMES = ['mcp', 'fapi2', 'internal'] as const
export type PolicyPresetName = (typeof POLICY_PRESET_NAMES)[number]

export const POLICY_PRESETS: Readonly<Record<PolicyPresetName, Readonly<Policy>>> = {
  /**
   * What MCP clients send today: loopback (RFC 8252 §7.3), private-use (§7.1) and https
   * redirects; public, client_secret_post or client_secret_basic clients of the code flow,
   * and private_key_jwt, which Client ID Metadata Documents use; PKCE with S256, which the
   * MCP authorization spec requires of clients; no implicit grant (RFC 9700 §2.1.2). Abuse
   * buckets sized for AI platforms whose agents share a few egress addresses: 200 an hour
   * per client network with a burst of 200, 3,600 an hour per software_id, and a service-wide
   * breaker of 30,000 an hour; maxClients caps the total.
   */
  mcp: {
    redirectUris: { loopback: true },
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethods: [
      'none',
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ],
    pkce: 'S256',
    rateLimits: {
      perNetwork: { capacity: 200, refillPerMinute: 3.34 },
      perSoftwareId: { capacity: 1000, refillPerMinute: 60 },
      perService: { capacity: 5000, refillPerMinute: 500 },
    },
  },
  /**
   * The FAPI 2.0 Security Profile: confidential clients authenticated by private_key_jwt or
   * mutual TLS, pushed authorization requests, sender-constrained tokens (DPoP or mTLS),
   * PS256, ES256 or EdDSA, the code flow with S256 PKCE, https redirects only.
   */
  fapi2: {
    redirectUris: { schemes: ['https'], loopback: false },
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethods: ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'],
    signingAlgorithms: ['PS256', 'ES256', 'EdDSA'],
    senderConstrainedTokens: true,
    forcedMembers: { require_pushed_authorization_requests: true },
    pkce: 'S256',
  },
  /** Registration only with an initial access token handed out by the operator (RFC 7591 §3). */
  internal: {
    initialAccessTokenRequired: true,
  },
}

/**
 * A service's authorization server metadata, built from its settings as Authlete's
 * service configuration API does.
 * @see RFC 8414 §2, OpenID Connect Discovery 1.0 §3
 */
import type { EngineContext } from './context.js'
import type { ServiceRecord } from './records.js'
import { policyFor } from './service-cache.js'

/** The issuer: the service's setting, else `{base}/{serviceId}`. */
export function issuerOf(context: EngineContext, service: ServiceRecord): string {
  return service.settings.issuer || `${context.baseUrl}/${service.apiKey}`
}

/** The registration endpoint: the service's setting, else `{base}/{serviceId}/register`. */
function registrationEndpointOf(context: EngineContext, service: ServiceRecord): string {
  return service.settings.registrationEndpoint || `${context.baseUrl}/${service.apiKey}/register`
}

/** Endpoint settings and the metadata member each is published as (RFC 8414 §2). */
const ENDPOINTS = {
  authorizationEndpoint: 'authorization_endpoint',
  tokenEndpoint: 'token_endpoint',
  jwksUri: 'jwks_uri',
  userInfoEndpoint: 'userinfo_endpoint',
  revocationEndpoint: 'revocation_endpoint',
  introspectionEndpoint: 'introspection_endpoint',
  endSessionEndpoint: 'end_session_endpoint',
  pushedAuthReqEndpoint: 'pushed_authorization_request_endpoint',
  deviceAuthorizationEndpoint: 'device_authorization_endpoint',
  backchannelAuthenticationEndpoint: 'backchannel_authentication_endpoint',
} as const satisfies Partial<Record<keyof ServiceRecord['settings'], string>>

export function discoveryDocument(
  context: EngineContext,
  service: ServiceRecord,
): Record<string, unknown> {
  const { settings } = service
  const policy = policyFor(service)
  const document: Record<string, unknown> = { issuer: issuerOf(context, service) }
  for (const [setting, member] of Object.entries(ENDPOINTS)) {
    const value = settings[setting as keyof typeof ENDPOINTS]
    if (typeof value === 'string' && value !== '') document[member] = value
  }
  if (settings.dynamicRegistrationSupported !== false) {
    document['registration_endpoint'] = registrationEndpointOf(context, service)
  }
  if (policy.scopes !== undefined) document['scopes_supported'] = [...policy.scopes]
  // RFC 8414 §2: response_types_supported is REQUIRED.
  document['response_types_supported'] = [...policy.responseTypes]
  document['grant_types_supported'] = [...policy.grantTypes]
  document['token_endpoint_auth_methods_supported'] = [...policy.tokenEndpointAuthMethods]
  document['subject_types_supported'] = ['public']
  document['id_token_signing_alg_values_supported'] = ['RS256']
  // RFC 9700 §2.1.1: S256 is the one PKCE method a client should use.
  document['code_challenge_methods_supported'] = ['S256']
  if (settings.parRequired) document['require_pushed_authorization_requests'] = true
  // draft-ietf-oauth-client-id-metadata-document-02 §6: URL client_ids are resolved.
  if (settings.clientIdMetadataDocumentSupported === true) {
    document['client_id_metadata_document_supported'] = true
  }
  return document
}

/**
 * Client metadata as it crosses the wire, in the spelling of its specs (snake_case): the one
 * declaration of every member Registrar understands. Each member's schema carries, as
 * OpenAPI `x-` annotations, the Authlete Client member it maps to, so the field
 * table (metadata/fields.ts), the Authlete mapping (metadata/authlete-mapping.ts), the
 * client's response check (client-information.ts), the OpenAPI document and the TypeScript
 * types are all derived from here. Adding a member means one line here and its rule.
 * @see RFC 7591 §2, OIDC DCR §2, RFC 8705 §2.1.2 and §3.4, RFC 9126 §6, RFC 9101 §10.5,
 *   RFC 9449 §5.2, JARM §3, OIDC CIBA §4, OIDC RP-Initiated Logout §3.1,
 *   OIDC Front-Channel Logout §2, OIDC Back-Channel Logout §2.2, RFC 9396 §10
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { AUTHLETE_ENUMS } from './authlete.js'
import { MAX_INT32 } from './json-limits.js'

/**
 * The `x-authlete` of members Authlete's Client has no field for: they travel as JSON text
 * in its `customMetadata` (Authlete's API).
 */
export const NOT_MAPPED = 'customMetadata'

/** The `x-` annotations a member's schema may carry. */
export interface MemberAnnotations {
  /**
   * The Authlete Client member it maps to; NOT_MAPPED; or `extension.requestableScopes`,
   * where `scope` travels as a list.
   */
  'x-authlete': string
  /** The AUTHLETE_ENUMS vocabulary its values translate through (Authlete's API). */
  'x-authlete-enum'?: keyof typeof AUTHLETE_ENUMS
  /**
   * The Authlete TaggedValue array of its language-tagged variants: the member is
   * localisable (`client_name#ja-Jpan-JP`, RFC 7591 §2.2).
   */
  'x-authlete-tagged'?: string
  /** The shape metadata/ checks when it is looser than the declared type. */
  'x-shape'?: 'string'
}

type Enum = keyof typeof AUTHLETE_ENUMS
const at = (authlete: string, description: string, vocabulary?: Enum) => ({
  'x-authlete': authlete,
  description,
  ...(vocabulary !== undefined && { 'x-authlete-enum': vocabulary }),
})
const tagged = (authlete: string, array: string, description: string) => ({
  'x-authlete': authlete,
  'x-authlete-tagged': array,
  description: `${description} Language-tagged variants (\`member#tag\`, RFC 7591 §2.2) may ride beside it.`,
})

const text = (authlete: string, description: string, vocabulary?: Enum) =>
  Type.Optional(Type.String(at(authlete, description, vocabulary)))
const uri = (annotations: MemberAnnotations & { description: string }) =>
  Type.Optional(Type.String({ format: 'uri', ...annotations }))
const list = (authlete: string, description: string, vocabulary?: Enum) =>
  Type.Optional(
    Type.Array(Type.String({ description: 'One value' }), at(authlete, description, vocabulary)),
  )
const uriList = (authlete: string, description: string) =>
  Type.Optional(
    Type.Array(Type.String({ format: 'uri', description: 'One URI' }), at(authlete, description)),
  )
const flag = (authlete: string, description: string) =>
  Type.Optional(Type.Boolean(at(authlete, description)))
const alg = (authlete: string, vocabulary: 'jwsAlg' | 'jweAlg' | 'jweEnc', description: string) =>
  text(authlete, description, vocabulary)

/** A JSON Web Key Set (RFC 7517 §5). */
export const JwkSetSchema = Type.Object(
  {
    keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description: 'The keys, each a JWK (RFC 7517 §4)',
    }),
  },
  { title: 'JwkSet', description: 'A JSON Web Key Set (RFC 7517 §5)' },
)
export type JwkSet = Static<typeof JwkSetSchema>

/**
 * Registered client metadata. Every member is optional on input; the engine stores the
 * effective metadata (defaults applied, unknown members dropped). Language-tagged variants
 * and a service's custom metadata are carried as further members.
 * @see RFC 7591 §2
 */
export const ClientMetadataSchema = Type.Object(
  {
    // RFC 7591 §2
    redirect_uris: uriList(
      'redirectUris',
      'Redirection URIs for redirect-based flows (RFC 7591 §2)',
    ),
    token_endpoint_auth_method: text(
      'tokenAuthMethod',
      'How the client authenticates at the token endpoint, e.g. `client_secret_basic`, `private_key_jwt`, `none` (RFC 7591 §2)',
      'clientAuthMethod',
    ),
    grant_types: list('grantTypes', 'Grant types the client may use (RFC 7591 §2)', 'grantType'),
    response_types: list(
      'responseTypes',
      'Response types the client may use at the authorization endpoint (RFC 7591 §2)',
      'responseType',
    ),
    client_name: Type.Optional(
      Type.String(tagged('clientName', 'clientNames', 'Name shown to end-users (RFC 7591 §2).')),
    ),
    client_uri: uri(tagged('clientUri', 'clientUris', "The client's home page (RFC 7591 §2).")),
    logo_uri: uri(tagged('logoUri', 'logoUris', "The client's logo (RFC 7591 §2).")),
    scope: text(
      'extension.requestableScopes',
      'Space-separated scopes the client may request (RFC 7591 §2)',
    ),
    contacts: list(
      'contacts',
      'Ways to contact the people responsible, usually e-mail addresses (RFC 7591 §2)',
    ),
    tos_uri: uri(tagged('tosUri', 'tosUris', "The client's terms of service (RFC 7591 §2).")),
    policy_uri: uri(
      tagged('policyUri', 'policyUris', "The client's privacy policy (RFC 7591 §2)."),
    ),
    jwks_uri: uri(at('jwksUri', "URL of the client's JWK Set; never with `jwks` (RFC 7591 §2)")),
    jwks: Type.Optional(
      Type.Object(
        JwkSetSchema.properties,
        at('jwks', "The client's JWK Set by value; never with `jwks_uri` (RFC 7591 §2)"),
      ),
    ),
    software_id: text(
      'softwareId',
      'Identifies the client software across its instances (RFC 7591 §2)',
    ),
    software_version: text('softwareVersion', 'Version of the client software (RFC 7591 §2)'),
    software_statement: text(
      NOT_MAPPED,
      'A signed JWT asserting metadata about the software; its claims win over the request (RFC 7591 §2.3)',
    ),
    // OIDC DCR §2. A value of application_type other than web or native is read as
    // omitted, since a registration is never refused for it alone; defaults.ts decides.
    application_type: Type.Optional(
      Type.Union([Type.Literal('web'), Type.Literal('native')], {
        ...at('applicationType', '`web` (default) or `native` (OIDC DCR §2)', 'applicationType'),
        'x-shape': 'string',
      }),
    ),
    sector_identifier_uri: uri(
      at(
        'sectorIdentifierUri',
        'URL of a JSON list of redirect URIs, to group clients for pairwise subjects (OIDC DCR §2)',
      ),
    ),
    subject_type: Type.Optional(
      Type.Union(
        [Type.Literal('public'), Type.Literal('pairwise')],
        at(
          'subjectType',
          'Subject identifier type: `public` or `pairwise` (OIDC DCR §2)',
          'subjectType',
        ),
      ),
    ),
    id_token_signed_response_alg: alg(
      'idTokenSignAlg',
      'jwsAlg',
      'JWS alg for ID tokens (OIDC DCR §2)',
    ),
    id_token_encrypted_response_alg: alg(
      'idTokenEncryptionAlg',
      'jweAlg',
      'JWE alg for ID tokens (OIDC DCR §2)',
    ),
    id_token_encrypted_response_enc: alg(
      'idTokenEncryptionEnc',
      'jweEnc',
      'JWE enc for ID tokens (OIDC DCR §2)',
    ),
    userinfo_signed_response_alg: alg(
      'userInfoSignAlg',
      'jwsAlg',
      'JWS alg for UserInfo responses (OIDC DCR §2)',
    ),
    userinfo_encrypted_response_alg: alg(
      'userInfoEncryptionAlg',
      'jweAlg',
      'JWE alg for UserInfo responses (OIDC DCR §2)',
    ),
    userinfo_encrypted_response_enc: alg(
      'userInfoEncryptionEnc',
      'jweEnc',
      'JWE enc for UserInfo responses (OIDC DCR §2)',
    ),
    request_object_signing_alg: alg(
      'requestSignAlg',
      'jwsAlg',
      'JWS alg of request objects the client sends (OIDC DCR §2)',
    ),
    request_object_encryption_alg: alg(
      'requestEncryptionAlg',
      'jweAlg',
      'JWE alg of request objects the client sends (OIDC DCR §2)',
    ),
    request_object_encryption_enc: alg(
      'requestEncryptionEnc',
      'jweEnc',
      'JWE enc of request objects the client sends (OIDC DCR §2)',
    ),
    token_endpoint_auth_signing_alg: alg(
      'tokenAuthSignAlg',
      'jwsAlg',
      'JWS alg of the client assertion for `private_key_jwt` and `client_secret_jwt` (OIDC DCR §2)',
    ),
    // Seconds, kept as sent (0 too: OIDC Core §3.1.2.1 max_age=0 asks for a fresh login);
    // -0 and 1e-400, which parse to 0, are refused with every other number JSON alters.
    default_max_age: Type.Optional(
      Type.Integer({
        maximum: MAX_INT32,
        ...at('defaultMaxAge', 'Default maximum authentication age, in seconds (OIDC DCR §2)'),
      }),
    ),
    require_auth_time: flag(
      'authTimeRequired',
      'Whether ID tokens must carry `auth_time` (OIDC DCR §2)',
    ),
    default_acr_values: list(
      'defaultAcrs',
      'Default ACR values, in order of preference (OIDC DCR §2)',
    ),
    initiate_login_uri: uri(
      at('loginUri', 'URI a third party uses to start a login by the client (OIDC DCR §2)'),
    ),
    request_uris: uriList('requestUris', 'Pre-registered `request_uri` values (OIDC DCR §2)'),
    // OIDC RP-Initiated Logout §3.1, Front-Channel Logout §2, Back-Channel Logout §2.2
    post_logout_redirect_uris: uriList(
      NOT_MAPPED,
      'Where the end-user may be sent after logout (OIDC RP-Initiated Logout §3.1)',
    ),
    frontchannel_logout_uri: uri(
      at(NOT_MAPPED, 'Front-channel logout URI (OIDC Front-Channel Logout §2)'),
    ),
    frontchannel_logout_session_required: flag(
      NOT_MAPPED,
      'Whether `iss` and `sid` are added to the front-channel logout URI (OIDC Front-Channel Logout §2)',
    ),
    backchannel_logout_uri: uri(
      at(NOT_MAPPED, 'Back-channel logout URI (OIDC Back-Channel Logout §2.2)'),
    ),
    backchannel_logout_session_required: flag(
      NOT_MAPPED,
      'Whether the logout token carries `sid` (OIDC Back-Channel Logout §2.2)',
    ),
    // RFC 8705 §2.1.2, §3.4
    tls_client_auth_subject_dn: text(
      'tlsClientAuthSubjectDn',
      'Expected subject DN of the client certificate for `tls_client_auth` (RFC 8705 §2.1.2)',
    ),
    tls_client_auth_san_dns: text(
      'tlsClientAuthSanDns',
      'Expected dNSName SAN of the client certificate (RFC 8705 §2.1.2)',
    ),
    tls_client_auth_san_uri: text(
      'tlsClientAuthSanUri',
      'Expected uniformResourceIdentifier SAN of the client certificate (RFC 8705 §2.1.2)',
    ),
    tls_client_auth_san_ip: text(
      'tlsClientAuthSanIp',
      'Expected iPAddress SAN of the client certificate (RFC 8705 §2.1.2)',
    ),
    tls_client_auth_san_email: text(
      'tlsClientAuthSanEmail',
      'Expected rfc822Name SAN of the client certificate (RFC 8705 §2.1.2)',
    ),
    tls_client_certificate_bound_access_tokens: flag(
      'tlsClientCertificateBoundAccessTokens',
      'Whether access tokens are bound to the client certificate (RFC 8705 §3.4)',
    ),
    // RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2
    require_pushed_authorization_requests: flag(
      'parRequired',
      'Whether the client must use pushed authorization requests (RFC 9126 §6)',
    ),
    require_signed_request_object: flag(
      'requestObjectRequired',
      'Whether authorization requests must be signed request objects (RFC 9101 §10.5)',
    ),
    dpop_bound_access_tokens: flag(
      'dpopRequired',
      'Whether access tokens must be DPoP-bound (RFC 9449 §5.2)',
    ),
    // JARM §3
    authorization_signed_response_alg: alg(
      'authorizationSignAlg',
      'jwsAlg',
      'JWS alg of JWT authorization responses (JARM §3)',
    ),
    authorization_encrypted_response_alg: alg(
      'authorizationEncryptionAlg',
      'jweAlg',
      'JWE alg of JWT authorization responses (JARM §3)',
    ),
    authorization_encrypted_response_enc: alg(
      'authorizationEncryptionEnc',
      'jweEnc',
      'JWE enc of JWT authorization responses (JARM §3)',
    ),
    // OIDC CIBA §4
    backchannel_token_delivery_mode: Type.Optional(
      Type.Union(
        [Type.Literal('poll'), Type.Literal('ping'), Type.Literal('push')],
        at(
          'bcDeliveryMode',
          'CIBA token delivery mode: `poll`, `ping` or `push` (OIDC CIBA §4)',
          'deliveryMode',
        ),
      ),
    ),
    backchannel_client_notification_endpoint: uri(
      at('bcNotificationEndpoint', 'Where CIBA `ping` and `push` notifications go (OIDC CIBA §4)'),
    ),
    backchannel_authentication_request_signing_alg: alg(
      'bcRequestSignAlg',
      'jwsAlg',
      'JWS alg of signed CIBA authentication requests (OIDC CIBA §4)',
    ),
    backchannel_user_code_parameter: flag(
      'bcUserCodeRequired',
      'Whether the client supports the CIBA `user_code` parameter (OIDC CIBA §4)',
    ),
    // RFC 9396 §10
    authorization_details_types: list(
      'authorizationDetailsTypes',
      'Rich authorization request `type` values the client may use (RFC 9396 §10)',
    ),
  },
  {
    additionalProperties: true,
    title: 'ClientMetadata',
    description:
      "Client metadata (RFC 7591 §2). Language-tagged variants and the service's custom metadata ride as further members.",
  },
)

/** Language-tagged values and custom metadata ride beside the declared members. */
type FurtherMembers = { [member: string]: unknown }

/**
 * Registered client metadata: every declared member typed, language-tagged variants and a
 * service's custom metadata as further string keys.
 * @see RFC 7591 §2, §2.2
 */
export type ClientMetadata = Static<typeof ClientMetadataSchema> & FurtherMembers

/**
 * The client information response: the registered metadata plus what the server issued.
 * @see RFC 7591 §3.2.1, RFC 7592 §3
 */
export const ClientInformationSchema = Type.Object(
  {
    ...ClientMetadataSchema.properties,
    client_id: Type.String({
      minLength: 1,
      description: 'The issued client identifier (RFC 7591 §3.2.1)',
    }),
    client_secret: Type.Optional(
      Type.String({
        description:
          'The issued client secret; only for auth methods that need one (RFC 7591 §3.2.1)',
      }),
    ),
    client_id_issued_at: Type.Integer({
      description: 'When the client_id was issued, seconds since the epoch (RFC 7591 §3.2.1)',
    }),
    client_secret_expires_at: Type.Optional(
      Type.Integer({
        description:
          'When the secret expires, seconds since the epoch; 0 = never. Present whenever client_secret is (RFC 7591 §3.2.1).',
      }),
    ),
    registration_access_token: Type.String({
      description: 'Bearer token for the client configuration endpoint (RFC 7592 §3)',
    }),
    registration_client_uri: Type.String({
      format: 'uri',
      description: 'The client configuration endpoint: read, update, delete (RFC 7592 §3)',
    }),
  },
  {
    additionalProperties: true,
    title: 'ClientInformation',
    description: 'Client information response (RFC 7591 §3.2.1, RFC 7592 §3)',
  },
)
export type ClientInformation = Static<typeof ClientInformationSchema> & FurtherMembers

/** The declared members and their schemas, in declaration order. */
export const CLIENT_METADATA_MEMBERS: readonly (readonly [name: string, schema: TSchema])[] =
  Object.entries(ClientMetadataSchema.properties)

/** Members the server manages; a client can never set them (RFC 7592 §2.2). */
export const SERVER_MANAGED_MEMBERS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
] as const

/** Token endpoint auth methods that authenticate with a client secret (RFC 7591 §2, OIDC Core §9). */
export const SECRET_AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]

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
const at = (authlete: string, vocabulary?: Enum): MemberAnnotations =>
  vocabulary === undefined
    ? { 'x-authlete': authlete }
    : { 'x-authlete': authlete, 'x-authlete-enum': vocabulary }
const tagged = (authlete: string, array: string): MemberAnnotations => ({
  'x-authlete': authlete,
  'x-authlete-tagged': array,
})

const text = (authlete: string, vocabulary?: Enum) =>
  Type.Optional(Type.String(at(authlete, vocabulary)))
const uri = (annotations: MemberAnnotations) =>
  Type.Optional(Type.String({ format: 'uri', ...annotations }))
const list = (authlete: string, vocabulary?: Enum) =>
  Type.Optional(Type.Array(Type.String(), at(authlete, vocabulary)))
const uriList = (authlete: string) =>
  Type.Optional(Type.Array(Type.String({ format: 'uri' }), at(authlete)))
const flag = (authlete: string) => Type.Optional(Type.Boolean(at(authlete)))
const alg = (authlete: string, vocabulary: 'jwsAlg' | 'jweAlg' | 'jweEnc') =>
  text(authlete, vocabulary)

/** A JSON Web Key Set (RFC 7517 §5). */
export const JwkSetSchema = Type.Object({
  keys: Type.Array(Type.Record(Type.String(), Type.Unknown())),
})
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
    redirect_uris: uriList('redirectUris'),
    token_endpoint_auth_method: text('tokenAuthMethod', 'clientAuthMethod'),
    grant_types: list('grantTypes', 'grantType'),
    response_types: list('responseTypes', 'responseType'),
    client_name: Type.Optional(Type.String(tagged('clientName', 'clientNames'))),
    client_uri: uri(tagged('clientUri', 'clientUris')),
    logo_uri: uri(tagged('logoUri', 'logoUris')),
    scope: text('extension.requestableScopes'),
    contacts: list('contacts'),
    tos_uri: uri(tagged('tosUri', 'tosUris')),
    policy_uri: uri(tagged('policyUri', 'policyUris')),
    jwks_uri: uri(at('jwksUri')),
    jwks: Type.Optional(Type.Object(JwkSetSchema.properties, at('jwks'))),
    software_id: text('softwareId'),
    software_version: text('softwareVersion'),
    software_statement: text(NOT_MAPPED),
    // OIDC DCR §2. A value of application_type other than web or native is read as
    // omitted, since a registration is never refused for it alone; defaults.ts decides.
    application_type: Type.Optional(
      Type.Union([Type.Literal('web'), Type.Literal('native')], {
        ...at('applicationType', 'applicationType'),
        'x-shape': 'string',
      }),
    ),
    sector_identifier_uri: uri(at('sectorIdentifierUri')),
    subject_type: Type.Optional(
      Type.Union(
        [Type.Literal('public'), Type.Literal('pairwise')],
        at('subjectType', 'subjectType'),
      ),
    ),
    id_token_signed_response_alg: alg('idTokenSignAlg', 'jwsAlg'),
    id_token_encrypted_response_alg: alg('idTokenEncryptionAlg', 'jweAlg'),
    id_token_encrypted_response_enc: alg('idTokenEncryptionEnc', 'jweEnc'),
    userinfo_signed_response_alg: alg('userInfoSignAlg', 'jwsAlg'),
    userinfo_encrypted_response_alg: alg('userInfoEncryptionAlg', 'jweAlg'),
    userinfo_encrypted_response_enc: alg('userInfoEncryptionEnc', 'jweEnc'),
    request_object_signing_alg: alg('requestSignAlg', 'jwsAlg'),
    request_object_encryption_alg: alg('requestEncryptionAlg', 'jweAlg'),
    request_object_encryption_enc: alg('requestEncryptionEnc', 'jweEnc'),
    token_endpoint_auth_signing_alg: alg('tokenAuthSignAlg', 'jwsAlg'),
    // Seconds, kept as sent (0 too: OIDC Core §3.1.2.1 max_age=0 asks for a fresh login);
    // -0 and 1e-400, which parse to 0, are refused with every other number JSON alters.
    default_max_age: Type.Optional(Type.Integer({ maximum: MAX_INT32, ...at('defaultMaxAge') })),
    require_auth_time: flag('authTimeRequired'),
    default_acr_values: list('defaultAcrs'),
    initiate_login_uri: uri(at('loginUri')),
    request_uris: uriList('requestUris'),
    // OIDC RP-Initiated Logout §3.1, Front-Channel Logout §2, Back-Channel Logout §2.2
    post_logout_redirect_uris: uriList(NOT_MAPPED),
    frontchannel_logout_uri: uri(at(NOT_MAPPED)),
    frontchannel_logout_session_required: flag(NOT_MAPPED),
    backchannel_logout_uri: uri(at(NOT_MAPPED)),
    backchannel_logout_session_required: flag(NOT_MAPPED),
    // RFC 8705 §2.1.2, §3.4
    tls_client_auth_subject_dn: text('tlsClientAuthSubjectDn'),
    tls_client_auth_san_dns: text('tlsClientAuthSanDns'),
    tls_client_auth_san_uri: text('tlsClientAuthSanUri'),
    tls_client_auth_san_ip: text('tlsClientAuthSanIp'),
    tls_client_auth_san_email: text('tlsClientAuthSanEmail'),
    tls_client_certificate_bound_access_tokens: flag('tlsClientCertificateBoundAccessTokens'),
    // RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2
    require_pushed_authorization_requests: flag('parRequired'),
    require_signed_request_object: flag('requestObjectRequired'),
    dpop_bound_access_tokens: flag('dpopRequired'),
    // JARM §3
    authorization_signed_response_alg: alg('authorizationSignAlg', 'jwsAlg'),
    authorization_encrypted_response_alg: alg('authorizationEncryptionAlg', 'jweAlg'),
    authorization_encrypted_response_enc: alg('authorizationEncryptionEnc', 'jweEnc'),
    // OIDC CIBA §4
    backchannel_token_delivery_mode: Type.Optional(
      Type.Union(
        [Type.Literal('poll'), Type.Literal('ping'), Type.Literal('push')],
        at('bcDeliveryMode', 'deliveryMode'),
      ),
    ),
    backchannel_client_notification_endpoint: uri(at('bcNotificationEndpoint')),
    backchannel_authentication_request_signing_alg: alg('bcRequestSignAlg', 'jwsAlg'),
    backchannel_user_code_parameter: flag('bcUserCodeRequired'),
    // RFC 9396 §10
    authorization_details_types: list('authorizationDetailsTypes'),
  },
  { additionalProperties: true, description: 'Client metadata (RFC 7591 §2)' },
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
    client_id: Type.String({ minLength: 1 }),
    client_secret: Type.Optional(
      Type.String({ description: 'Only for auth methods that need a secret' }),
    ),
    client_id_issued_at: Type.Integer({ description: 'Seconds since the epoch' }),
    client_secret_expires_at: Type.Optional(
      Type.Integer({
        description: 'Seconds since the epoch; 0 = never. Present whenever client_secret is.',
      }),
    ),
    registration_access_token: Type.String(),
    registration_client_uri: Type.String({ format: 'uri' }),
  },
  { additionalProperties: true, description: 'Client information response (RFC 7591 §3.2.1)' },
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

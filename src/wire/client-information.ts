/**
 * The client information response as a schema (TypeBox), for a client that must not
 * trust what it receives or reads back from disk: every member ClientMetadata and
 * ClientInformation name is checked for its type, unknown members pass (RFC 7591 §2
 * lets servers add their own). Only `client_id` is required: other servers omit what
 * Registrar always sends.
 * @see RFC 7591 §2 and §3.2.1; RFC 7592 §3
 */
import { Type, type TSchema } from '@sinclair/typebox'
import type { ClientInformation, ClientMetadata } from './metadata.js'

const STRING_MEMBERS = [
  'token_endpoint_auth_method',
  'client_name',
  'client_uri',
  'logo_uri',
  'scope',
  'tos_uri',
  'policy_uri',
  'jwks_uri',
  'software_id',
  'software_version',
  'software_statement',
  'sector_identifier_uri',
  'id_token_signed_response_alg',
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'userinfo_signed_response_alg',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'request_object_signing_alg',
  'request_object_encryption_alg',
  'request_object_encryption_enc',
  'token_endpoint_auth_signing_alg',
  'initiate_login_uri',
  'frontchannel_logout_uri',
  'backchannel_logout_uri',
  'tls_client_auth_subject_dn',
  'tls_client_auth_san_dns',
  'tls_client_auth_san_uri',
  'tls_client_auth_san_ip',
  'tls_client_auth_san_email',
  'authorization_signed_response_alg',
  'authorization_encrypted_response_alg',
  'authorization_encrypted_response_enc',
  'backchannel_client_notification_endpoint',
  'backchannel_authentication_request_signing_alg',
  // RFC 7591 §3.2.1, RFC 7592 §3
  'client_secret',
  'registration_access_token',
  'registration_client_uri',
] as const

const STRING_LIST_MEMBERS = [
  'redirect_uris',
  'grant_types',
  'response_types',
  'contacts',
  'default_acr_values',
  'request_uris',
  'post_logout_redirect_uris',
  'authorization_details_types',
] as const

const BOOLEAN_MEMBERS = [
  'require_auth_time',
  'frontchannel_logout_session_required',
  'backchannel_logout_session_required',
  'tls_client_certificate_bound_access_tokens',
  'require_pushed_authorization_requests',
  'require_signed_request_object',
  'dpop_bound_access_tokens',
  'backchannel_user_code_parameter',
] as const

const NUMBER_MEMBERS = [
  'default_max_age',
  // RFC 7591 §3.2.1: seconds since the epoch
  'client_id_issued_at',
  'client_secret_expires_at',
] as const

const ENUM_MEMBERS = {
  application_type: ['web', 'native'],
  subject_type: ['public', 'pairwise'],
  backchannel_token_delivery_mode: ['poll', 'ping', 'push'],
} as const

function optional(kind: TSchema, names: readonly string[]): Record<string, TSchema> {
  return Object.fromEntries(names.map((name) => [name, Type.Optional(kind)]))
}

const enums = Object.fromEntries(
  Object.entries(ENUM_MEMBERS).map(([name, values]) => [
    name,
    Type.Optional(Type.Union(values.map((value) => Type.Literal(value)))),
  ]),
)

/**
 * Client information as RFC 7591 §3.2.1 answers it: `client_id` and every known member
 * typed, others passed through.
 * @see RFC 7591 §3.2.1; RFC 7592 §3
 */
export const ClientInformationResponseSchema = Type.Object(
  {
    ...optional(Type.String(), STRING_MEMBERS),
    ...optional(Type.Array(Type.String()), STRING_LIST_MEMBERS),
    ...optional(Type.Boolean(), BOOLEAN_MEMBERS),
    ...optional(Type.Number(), NUMBER_MEMBERS),
    ...enums,
    jwks: Type.Optional(
      Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }),
    ),
    client_id: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
)

/** Every named member of ClientInformation has a line above: the two cannot drift apart. */
type Named<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] }
type Listed =
  | (typeof STRING_MEMBERS)[number]
  | (typeof STRING_LIST_MEMBERS)[number]
  | (typeof BOOLEAN_MEMBERS)[number]
  | (typeof NUMBER_MEMBERS)[number]
  | keyof typeof ENUM_MEMBERS
  | 'jwks'
  | 'client_id'
type Unlisted = Exclude<Named<ClientInformation> | Named<ClientMetadata>, Listed>
const everyMemberListed: [Unlisted] extends [never] ? true : Unlisted = true
void everyMemberListed

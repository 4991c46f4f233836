/**
 * The field table: every client metadata member Registrar understands, with the shape its
 * value must have. Members not listed here are unknown: they are dropped (RFC 7591 §2)
 * unless the service lists them as custom metadata. Everything beyond shape is a rule.
 */
import { MAX_INT32 } from '../wire/index.js'
import type { MetadataErrorCode } from './rules/rule.js'
import { DELIVERY_MODES, SUBJECT_TYPES } from './vocabulary.js'

export type FieldKind =
  'string' | 'uri' | 'uri-list' | 'string-list' | 'boolean' | 'integer' | 'jwk-set' | 'enum'

export interface Field {
  kind: FieldKind
  /** Accepts language-tagged variants such as `client_name#ja-Jpan-JP` (RFC 7591 §2.2). */
  localisable?: boolean
  /** The values an `enum` field accepts. */
  values?: readonly string[]
  /** The largest value an `integer` field accepts (its lower bound is a rule's). */
  maximum?: number
  /** The code a shape failure earns; invalid_client_metadata unless stated. */
  code?: MetadataErrorCode
}

const string: Field = { kind: 'string' }
const uri: Field = { kind: 'uri' }
const uriList: Field = { kind: 'uri-list' }
const stringList: Field = { kind: 'string-list' }
const flag: Field = { kind: 'boolean' }
const localisedString: Field = { kind: 'string', localisable: true }
const localisedUri: Field = { kind: 'uri', localisable: true }
const oneOf = (values: readonly string[]): Field => ({ kind: 'enum', values })

/**
 * The recognised members and their shapes.
 * @see RFC 7591 §2, OIDC DCR §2, RFC 8705 §2.1.2, RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2,
 *   JARM §3, OIDC CIBA §4, OIDC RP-Initiated Logout §3.1, OIDC Front-Channel Logout §2,
 *   OIDC Back-Channel Logout §2.2, RFC 9396 §10
 */
export const FIELDS: Readonly<Record<string, Field>> = {
  // RFC 7591 §2
  redirect_uris: { kind: 'uri-list', code: 'invalid_redirect_uri' },
  token_endpoint_auth_method: string,
  grant_types: stringList,
  response_types: stringList,
  client_name: localisedString,
  client_uri: localisedUri,
  logo_uri: localisedUri,
  scope: string,
  contacts: stringList,
  tos_uri: localisedUri,
  policy_uri: localisedUri,
  jwks_uri: uri,
  jwks: { kind: 'jwk-set' },
  software_id: string,
  software_version: string,
  software_statement: string,
  // OIDC DCR §2
  // Any string: a value other than web or native is read as omitted, since a registration
  // is never refused for its application_type alone (corpus rule 3); defaults.ts decides.
  application_type: string,
  sector_identifier_uri: uri,
  subject_type: oneOf(SUBJECT_TYPES.values),
  id_token_signed_response_alg: string,
  id_token_encrypted_response_alg: string,
  id_token_encrypted_response_enc: string,
  userinfo_signed_response_alg: string,
  userinfo_encrypted_response_alg: string,
  userinfo_encrypted_response_enc: string,
  request_object_signing_alg: string,
  request_object_encryption_alg: string,
  request_object_encryption_enc: string,
  token_endpoint_auth_signing_alg: string,
  // Seconds, kept as sent (0 too: OIDC Core §3.1.2.1 max_age=0 asks for a fresh login);
  // -0 and 1e-400, which parse to 0, are refused with every other number JSON alters.
  default_max_age: { kind: 'integer', maximum: MAX_INT32 },
  require_auth_time: flag,
  default_acr_values: stringList,
  initiate_login_uri: uri,
  request_uris: uriList,
  // OIDC RP-Initiated, Front-Channel and Back-Channel Logout
  post_logout_redirect_uris: uriList,
  frontchannel_logout_uri: uri,
  frontchannel_logout_session_required: flag,
  backchannel_logout_uri: uri,
  backchannel_logout_session_required: flag,
  // RFC 8705 §2.1.2, §3.4
  tls_client_auth_subject_dn: string,
  tls_client_auth_san_dns: string,
  tls_client_auth_san_uri: string,
  tls_client_auth_san_ip: string,
  tls_client_auth_san_email: string,
  tls_client_certificate_bound_access_tokens: flag,
  // RFC 9126 §6, RFC 9101 §10.5, RFC 9449 §5.2
  require_pushed_authorization_requests: flag,
  require_signed_request_object: flag,
  dpop_bound_access_tokens: flag,
  // JARM §3
  authorization_signed_response_alg: string,
  authorization_encrypted_response_alg: string,
  authorization_encrypted_response_enc: string,
  // OIDC CIBA §4
  backchannel_token_delivery_mode: oneOf(DELIVERY_MODES.values),
  backchannel_client_notification_endpoint: uri,
  backchannel_authentication_request_signing_alg: string,
  backchannel_user_code_parameter: flag,
  // RFC 9396 §10
  authorization_details_types: stringList,
}

/** A BCP 47 language tag, loosely (RFC 5646 §2.1): alphanumeric subtags joined by `-`. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/

/**
 * The field a member name stands for: itself, or the localisable field of a language-tagged
 * name (`client_name#ja-Jpan-JP`). Undefined for unknown names.
 * @see RFC 7591 §2.2
 */
export function fieldOf(name: string): Field | undefined {
  if (Object.hasOwn(FIELDS, name)) return FIELDS[name]
  const hash = name.indexOf('#')
  if (hash < 0) return undefined
  const base = name.slice(0, hash)
  const field = Object.hasOwn(FIELDS, base) ? FIELDS[base] : undefined
  return field?.localisable && LANGUAGE_TAG.test(name.slice(hash + 1)) ? field : undefined
}

/** Splits `client_name#ja` into its base name and tag (tag undefined when untagged). */
export function splitLanguageTag(name: string): { base: string; tag: string | undefined } {
  const hash = name.indexOf('#')
  return hash < 0
    ? { base: name, tag: undefined }
    : { base: name.slice(0, hash), tag: name.slice(hash + 1) }
}

/** The names of the localisable fields (RFC 7591 §2.2). */
export const LOCALISABLE_FIELDS: readonly string[] = Object.keys(FIELDS).filter(
  (name) => FIELDS[name]?.localisable,
)

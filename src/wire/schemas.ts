/**
 * JSON Schemas (TypeBox) of the envelopes that cross the HTTP boundary, and the types
 * inferred from them: Authlete request and response bodies, path and query parameters,
 * Registrar's token extensions. Client metadata is declared in metadata.ts, and no route
 * validates it with a schema: metadata/ decides it, the same way for the registration
 * endpoint and the DCR API. Service and Client schemas type their common
 * members, so a wrong type is an envelope error (Authlete's API), and let every other member
 * through; their answer schemas add the members the server assigns.
 * @see Authlete's API
 */
import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox'
import { ACTIONS, AUTHLETE_ENUMS } from './authlete.js'
import { OAUTH_ERROR_CODES } from './errors.js'
import { MAX_INT32 } from './json-limits.js'
import {
  CLIENT_METADATA_MEMBERS,
  ClientInformationSchema,
  ClientMetadataSchema,
  JwkSetSchema,
  type ClientMetadata,
} from './metadata.js'
import { MAX_PAGE_SIZE } from './pages.js'

const Str = Type.String()
const Bool = Type.Boolean()
const Int = Type.Integer()
/**
 * A count or a duration in seconds: an integer from 0 to 2^31 - 1, so it fits a 32-bit
 * column and, as milliseconds added to now, a safe integer.
 */
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_INT32, description })
const StrList = Type.Array(Type.String({ description: 'One value' }))
const PairSchema = Type.Object(
  {
    key: Type.String({ description: 'The name' }),
    value: Type.String({ description: 'Its value' }),
  },
  { title: 'Pair', description: 'A key and a value, as Authlete keeps attributes' },
)
const TaggedValueSchema = Type.Object(
  {
    tag: Type.String({ description: 'A language tag (BCP 47), e.g. `ja-Jpan-JP`' }),
    value: Type.String({ description: 'The value in that language' }),
  },
  { title: 'TaggedValue', description: 'A value for one language (RFC 7591 §2.2)' },
)
const Pairs = Type.Array(PairSchema)
const TaggedValues = Type.Array(TaggedValueSchema)
export type Pair = Static<typeof PairSchema>
/** A language-tagged value (RFC 7591 §2.2) as Authlete holds it. */
export type TaggedValue = Static<typeof TaggedValueSchema>

const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)))
const listOf = <T extends string>(values: readonly T[]) => Type.Array(oneOf(values))

/**
 * Marks a schema whose description says what it is in one place, not what it is: the
 * OpenAPI document keeps it beside the reference to the shared schema (http/openapi-document.ts).
 */
export const DESCRIBED_HERE = 'x-described-here'

/** A copy of `schema` with the description of this use (TypeBox's CloneType keeps the old one). */
const describedAs = <S extends TSchema>(
  schema: S,
  { description }: { description: string },
): S => ({
  ...schema,
  description,
  [DESCRIBED_HERE]: true,
})

/** Optional members of one schema, each with its description: `{ [name]: Optional<kind> }`. */
function members<const K extends string, S extends TSchema>(
  kind: S,
  descriptions: { readonly [name in K]: string },
) {
  return Object.fromEntries(
    Object.entries<string>(descriptions).map(([name, description]) => [
      name,
      Type.Optional(describedAs(kind, { description })),
    ]),
  ) as unknown as { [name in K]: TOptional<S> }
}

/**
 * What an Authlete Client member holds, said once: the client metadata member it maps to
 * (metadata.ts, `x-authlete`), or whose language-tagged variants it lists.
 */
function metadataDescription(authlete: string): string {
  for (const [name, schema] of CLIENT_METADATA_MEMBERS) {
    if (schema['x-authlete'] === authlete) return `\`${name}\`: ${schema.description}`
    if (schema['x-authlete-tagged'] === authlete)
      return `The language-tagged variants of \`${name}\` (RFC 7591 §2.2)`
  }
  throw new Error(`no client metadata member maps to ${authlete}`)
}

/** Optional Client members that hold client metadata, described by metadataDescription. */
function metadataMembers<const K extends string, S extends TSchema>(kind: S, names: readonly K[]) {
  return members(
    kind,
    Object.fromEntries(names.map((name) => [name, metadataDescription(name)])) as {
      [name in K]: string
    },
  )
}

/** Path parameter of every `/api/{serviceId}/...` route: the service's apiKey. */
export const ServiceIdParams = Type.Object({
  serviceId: Type.String({
    description: "The service's apiKey, in decimal",
    examples: ['26837717140341'],
  }),
})

export const ServiceClientParams = Type.Object({
  serviceId: ServiceIdParams.properties.serviceId,
  clientId: Type.String({
    description:
      'The numeric client id, in decimal; for client/get, when the service resolves Client ID Metadata Documents (clientIdMetadataDocumentSupported), also a URL-encoded https client_id (up to 2048 characters) or the number a document client answers as clientId',
  }),
})

/**
 * The registration's optional `Idempotency-Key` header.
 * @see draft-ietf-httpapi-idempotency-key-header §2
 */
export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'A key of 1 to 255 printable ASCII characters, quoted (an RFC 8941 string) or bare; a UUID is best. ' +
        "The same key with the same body and initial access token within the server's window (24 hours by default) answers the client registered " +
        "first again (201, its registration access token works, as does the first answer's); with another body or " +
        'token 422; while the first is still in flight 409. A failed registration is not remembered.',
      examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"'],
    }),
  ),
})

/** The window of a list call (wire/pages.ts): at most MAX_PAGE_SIZE items per call. */
function windowQuery(defaultEnd: number) {
  const index = { pattern: '^[0-9]{1,9}$' }
  return {
    start: Type.Optional(
      Type.String({ ...index, description: 'First item, inclusive; default 0' }),
    ),
    end: Type.Optional(
      Type.String({
        ...index,
        description:
          `Last item, exclusive; default ${defaultEnd}. A call answers at most ` +
          `${MAX_PAGE_SIZE} items: a wider window is cut, and the answer's end says where it stopped.`,
      }),
    ),
  }
}

/** `start` (inclusive, default 0) and `end` (exclusive, default 5), as Authlete's list APIs. */
export const ListQuery = Type.Object(windowQuery(5))

export const ClientListQuery = Type.Object({
  ...windowQuery(5),
  developer: Type.Optional(Type.String({ description: 'Only the clients of this developer' })),
})

/** The initial access token list answers its first page, all of it for most services. */
export const TokenListQuery = Type.Object(windowQuery(MAX_PAGE_SIZE))

export const ConfigurationQuery = Type.Object({
  pretty: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description: '`true` indents the JSON',
    }),
  ),
  patch: Type.Optional(
    Type.String({ description: 'A JSON Patch (RFC 6902), as JSON text, applied to the document' }),
  ),
})

/** One entry of `trustedSoftwareStatementIssuers`. */
const TrustedIssuerSchema = Type.Object(
  {
    issuer: Type.String({
      minLength: 1,
      description: 'The `iss` of the software statements it signs',
    }),
    jwks: describedAs(JwkSetSchema, { description: 'The keys its signatures are checked with' }),
  },
  {
    title: 'TrustedIssuer',
    description: 'A software statement issuer the service trusts (RFC 7591 §2.3)',
  },
)
export type TrustedIssuer = Static<typeof TrustedIssuerSchema>

/** Authlete's Service with Registrar's extension settings. */
export const ServiceSchema = Type.Object(
  {
    ...members(Str, {
      serviceName: 'A name for people',
      description: 'What the service is, for people',
      issuer: 'The issuer identifier; discovery and software statement checks use it (RFC 8414 §2)',
      registrationEndpoint:
        'The registration endpoint advertised by discovery; by default `{base URL}/{apiKey}/register` (RFC 7591 §3)',
      registrationManagementEndpoint:
        'The base of registration_client_uri; by default the registration endpoint (RFC 7592 §3)',
      authorizationEndpoint: 'The authorization endpoint, for discovery (RFC 8414 §2)',
      tokenEndpoint: 'The token endpoint, for discovery (RFC 8414 §2)',
      revocationEndpoint: 'The revocation endpoint, for discovery (RFC 8414 §2, RFC 7009)',
      introspectionEndpoint: 'The introspection endpoint, for discovery (RFC 8414 §2, RFC 7662)',
      userInfoEndpoint: 'The UserInfo endpoint, for discovery (OIDC Discovery §3)',
      jwksUri: "The service's JWK Set URL, for discovery (RFC 8414 §2)",
      endSessionEndpoint: 'The end-session endpoint, for discovery (OIDC RP-Initiated Logout §2.1)',
      pushedAuthReqEndpoint: 'The pushed authorization request endpoint (RFC 9126 §5)',
      deviceAuthorizationEndpoint: 'The device authorization endpoint (RFC 8628 §4)',
      backchannelAuthenticationEndpoint:
        'The CIBA backchannel authentication endpoint (OIDC CIBA §4)',
      accessTokenType: 'Kept as sent (Authlete: the token type, e.g. `Bearer`)',
    }),
    ...members(oneOf(AUTHLETE_ENUMS.jwsAlg), {
      accessTokenSignAlg: 'Kept as sent (Authlete: the JWS alg of JWT access tokens)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.grantType), {
      supportedGrantTypes:
        'Grant types clients may register (Authlete names, e.g. `AUTHORIZATION_CODE`)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.responseType), {
      supportedResponseTypes: 'Response types clients may register (Authlete names, e.g. `CODE`)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.clientAuthMethod), {
      supportedTokenAuthMethods:
        'Token endpoint auth methods clients may register (Authlete names, e.g. `CLIENT_SECRET_BASIC`)',
      supportedRevocationAuthMethods:
        'Client auth methods of the revocation endpoint, for discovery',
      supportedIntrospectionAuthMethods:
        'Client auth methods of the introspection endpoint, for discovery',
    }),
    ...members(listOf(AUTHLETE_ENUMS.display), {
      supportedDisplays: '`display` values, for discovery (OIDC Discovery §3)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.claimType), {
      supportedClaimTypes: 'Claim types, for discovery (OIDC Discovery §3)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.prompt), {
      supportedPromptValues: '`prompt` values, for discovery (OIDC Discovery §3)',
    }),
    ...members(listOf(AUTHLETE_ENUMS.deliveryMode), {
      supportedBackchannelTokenDeliveryModes:
        'CIBA delivery modes clients may register (OIDC CIBA §4)',
    }),
    ...members(Bool, {
      clientIdAliasEnabled: 'Kept as sent (Authlete: whether clients may have a client_id alias)',
      dynamicRegistrationSupported:
        'Whether the registration endpoints and DCR calls serve this service (RFC 7591)',
      unauthorizedOnClientConfigSupported:
        'Whether a refused RFC 7592 call answers action UNAUTHORIZED (the default) rather than BAD_REQUEST, as older Authlete did',
      dcrScopeUsedAsRequestable:
        "Kept as sent (Authlete: a client's registered scope becomes its requestable scopes)",
      dcrDuplicateSoftwareIdBlocked:
        'Whether a registration with a software_id another client already has is refused',
      pkceRequired: 'Kept as sent (Authlete: PKCE required, RFC 7636)',
      pkceS256Required: 'Kept as sent (Authlete: PKCE S256 required, RFC 7636)',
      parRequired: 'Advertised by discovery as require_pushed_authorization_requests (RFC 9126 §5)',
      requestObjectRequired: 'Kept as sent (Authlete: every client must send request objects)',
      tlsClientCertificateBoundAccessTokens:
        'Kept as sent (Authlete: certificate-bound access tokens, RFC 8705 §3)',
      scopeRequired: 'Kept as sent (Authlete: authorization requests must name a scope)',
      loopbackRedirectionUriVariable:
        'Kept as sent (Authlete: a loopback redirect URI matches on any port, RFC 8252 §7.3)',
      initialAccessTokenRequired:
        'Whether registration needs an initial access token (RFC 7591 §3)',
    }),
    clientsPerDeveloper: Type.Optional(Count('Clients one developer may hold; 0 = no limit')),
    ...members(Count('Seconds'), {
      accessTokenDuration: 'Kept as sent (Authlete: access token lifetime, seconds)',
      refreshTokenDuration: 'Kept as sent (Authlete: refresh token lifetime, seconds)',
      idTokenDuration: 'Kept as sent (Authlete: ID token lifetime, seconds)',
    }),
    ...members(StrList, {
      supportedCustomClientMetadata:
        'Client metadata members beyond the standard ones that registration keeps (in customMetadata)',
      supportedClaims: 'Claims, for discovery (OIDC Discovery §3)',
    }),
    attributes: Type.Optional(
      describedAs(Pairs, { description: 'Arbitrary key-value pairs kept with the service' }),
    ),
    supportedScopes: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ description: 'The scope' }) },
          { additionalProperties: true, description: 'A scope; other members are kept as sent' },
        ),
        { description: 'Scopes clients may register (RFC 7591 §2 `scope`); absent: any' },
      ),
    ),
    clientSecretLifetime: Type.Optional(
      Count('Registrar: seconds; 0 = client secrets never expire'),
    ),
    registrationAccessTokenRotation: Type.Optional(
      Type.Union([Type.Literal('never'), Type.Literal('on_update'), Type.Literal('on_use')], {
        description:
          'Registrar: when the registration access token is replaced (RFC 7592 §3): `never` (default; the token stays the same), `on_update` (a new token in the answer to every successful RFC 7592 update), `on_use` (a new token in the answer to every RFC 7592 read and update). The client must use the token of the last answer it got',
      }),
    ),
    registrationAccessTokenGrace: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description:
          'Registrar: seconds after a rotation in which the previous registration access token still works once, so a client whose answer was lost can retry (it then gets a fresh token); default 60, 0 = no grace, at most a day. Any other use of a replaced token revokes all of the client’s registration access tokens (until an administrator reissues one) and records a `registration_token.reused` audit event',
      }),
    ),
    clientIdleLifetime: Type.Optional(
      Count(
        'Registrar: seconds a client may go unused before it is reaped (deleted, and kept for clientRestoreWindow); its last use is lastUsedAt, or createdAt when never used; 0 = never reaped (the default); otherwise at least 86400',
      ),
    ),
    clientRestoreWindow: Type.Optional(
      Count(
        'Registrar: seconds a deleted or reaped client can be restored (client/restore) before it is purged; it is unknown to every endpoint from its deletion on; 0 = deletion is final at once; default 604800 (7 days)',
      ),
    ),
    clientSecretRotationOverlap: Type.Optional(
      Count(
        'Registrar: seconds a client secret replaced by a rotation (client/secret/refresh, client/secret/update, or the client itself at POST {registration_client_uri}/secret) is still accepted by client/authenticate; 0 = it stops at once. Never past its own client_secret_expires_at',
      ),
    ),
    allowPrivateNetworkUris: Type.Optional(
      Type.Boolean({
        description:
          'Registrar: whether URIs the authorization server fetches (jwks_uri, sector_identifier_uri, request_uris, logo_uri, backchannel_logout_uri, backchannel_client_notification_endpoint) may name loopback, private or link-local IP addresses or localhost; default false',
      }),
    ),
    clientIdMetadataDocumentSupported: Type.Optional(
      Type.Boolean({
        description:
          "Registrar (Authlete's name): whether a client_id that is an https URL is resolved by fetching the Client ID Metadata Document it names (draft-ietf-oauth-client-id-metadata-document), in client/get and client/authenticate, and discovery advertises client_id_metadata_document_supported; default false",
      }),
    ),
    clientIdMetadataDocumentHosts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), {
        maxItems: 100,
        description:
          "Registrar: where Client ID Metadata Documents may be fetched from, checked before any fetch: a host name (exact, any path) or an https URL prefix (same origin, the path starting with the prefix's path); empty (the default) = any public host",
      }),
    ),
    clientIdMetadataDocumentCacheMinSeconds: Type.Optional(
      Count(
        'Registrar: the shortest time a fetched Client ID Metadata Document is cached, whatever its Cache-Control or Expires say (also the lifetime when it sends neither); a URL refused after its fetch (an error answer, an unusable document) is refused again without a fetch for 30 seconds, or this long when shorter (0: every resolve fetches); default 300',
      ),
    ),
    clientIdMetadataDocumentCacheMaxSeconds: Type.Optional(
      Count(
        'Registrar: the longest time a fetched Client ID Metadata Document is cached, whatever its Cache-Control or Expires say; at least clientIdMetadataDocumentCacheMinSeconds; default 86400',
      ),
    ),
    clientIdMetadataDocumentChangeApproval: Type.Optional(
      Type.Boolean({
        description:
          'Registrar: whether a fetched Client ID Metadata Document whose redirect_uris, jwks or jwks_uri differ from the approved version is held (stored, audited with held: true, not used) until an administrator approves it with client/metadata-document/approve; the first version fetched is approved by itself; default false (a change is used at once)',
      }),
    ),
    trustedSoftwareStatementIssuers: Type.Optional(
      Type.Array(TrustedIssuerSchema, {
        description: 'Registrar: issuers whose software statements are verified and applied',
      }),
    ),
  },
  {
    additionalProperties: true,
    title: 'Service',
    description:
      "Authlete's Service object plus Registrar's extensions. A supported* list that is absent means every value Registrar knows; a list, even an empty one, allows exactly the values it names.",
  },
)

/**
 * The longest client_id Registrar reads: a registered client's id or alias is far shorter;
 * a Client ID Metadata Document's URL may be up to this long (browsers and servers commonly
 * take URLs of 2,048 characters; the draft sets no limit).
 */
export const MAX_CLIENT_ID_LENGTH = 2048

/**
 * The credentials an authorization server checks through `client/authenticate`:
 * a client secret (RFC 6749 §2.3.1) or a JWT assertion (RFC 7523 §2.2),
 * with the parameter names of the token request they came in.
 */
export const ClientCredentialsSchema = Type.Object(
  {
    client_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_CLIENT_ID_LENGTH,
        description: 'The client id; may be left out with a client_assertion (RFC 7523 §3)',
      }),
    ),
    client_secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'The client secret (RFC 6749 §2.3.1)',
      }),
    ),
    client_assertion_type: Type.Optional(
      Type.String({
        maxLength: 256,
        description: '`urn:ietf:params:oauth:client-assertion-type:jwt-bearer` (RFC 7523 §2.2)',
      }),
    ),
    client_assertion: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16384,
        description: 'A JWT signed by the client (RFC 7523 §2.2)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ClientCredentials = Static<typeof ClientCredentialsSchema>

/** Authlete's Client. */
export const ClientSchema = Type.Object(
  {
    ...metadataMembers(Str, [
      'clientName',
      'logoUri',
      'clientUri',
      'policyUri',
      'tosUri',
      'jwksUri',
      'softwareId',
      'softwareVersion',
      'sectorIdentifierUri',
      'loginUri',
      'tlsClientAuthSubjectDn',
      'tlsClientAuthSanDns',
      'tlsClientAuthSanUri',
      'tlsClientAuthSanIp',
      'tlsClientAuthSanEmail',
      'bcNotificationEndpoint',
    ]),
    ...members(Str, {
      clientIdAlias: 'Kept as sent (Authlete: another client_id the client is known by)',
      description: 'What the client is, for people',
      jwks: `\`jwks\` as JSON text: ${ClientMetadataSchema.properties.jwks.description}`,
      selfSignedCertificateKeyId:
        'Kept as sent (Authlete: the key of a self-signed certificate, RFC 8705 §2.2)',
      bcDeliveryMode: `${metadataDescription('bcDeliveryMode')}; in lower case`,
      customMetadata:
        "Client metadata without an Authlete member (logout URIs, software_statement, the service's supportedCustomClientMetadata), as JSON text",
      developer: 'Who the client belongs to, for clientsPerDeveloper and list filters',
    }),
    ...members(oneOf(AUTHLETE_ENUMS.clientType), {
      clientType:
        '`CONFIDENTIAL` or `PUBLIC` (RFC 6749 §2.1), from token_endpoint_auth_method: `none` is public',
    }),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.applicationType), ['applicationType']),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.subjectType), ['subjectType']),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.clientAuthMethod), ['tokenAuthMethod']),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.jwsAlg), [
      'tokenAuthSignAlg',
      'idTokenSignAlg',
      'userInfoSignAlg',
      'requestSignAlg',
      'authorizationSignAlg',
      'bcRequestSignAlg',
    ]),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.jweAlg), [
      'idTokenEncryptionAlg',
      'userInfoEncryptionAlg',
      'requestEncryptionAlg',
      'authorizationEncryptionAlg',
    ]),
    ...metadataMembers(oneOf(AUTHLETE_ENUMS.jweEnc), [
      'idTokenEncryptionEnc',
      'userInfoEncryptionEnc',
      'requestEncryptionEnc',
      'authorizationEncryptionEnc',
    ]),
    ...metadataMembers(listOf(AUTHLETE_ENUMS.grantType), ['grantTypes']),
    ...metadataMembers(listOf(AUTHLETE_ENUMS.responseType), ['responseTypes']),
    ...members(listOf(AUTHLETE_ENUMS.responseMode), {
      responseModes: 'Kept as sent (Authlete: response modes the client may use)',
    }),
    ...metadataMembers(Bool, [
      'authTimeRequired',
      'parRequired',
      'requestObjectRequired',
      'tlsClientCertificateBoundAccessTokens',
      'bcUserCodeRequired',
      'dpopRequired',
    ]),
    ...members(Bool, {
      clientIdAliasEnabled: 'Kept as sent (Authlete: whether clientIdAlias is in use)',
      locked: 'Kept as sent (Authlete: a locked client is refused by the authorization server)',
      pkceRequired: 'Kept as sent (Authlete: the client must use PKCE, RFC 7636)',
      pkceS256Required: 'Kept as sent (Authlete: the client must use PKCE S256, RFC 7636)',
    }),
    ...metadataMembers(StrList, [
      'contacts',
      'redirectUris',
      'defaultAcrs',
      'requestUris',
      'authorizationDetailsTypes',
    ]),
    ...metadataMembers(TaggedValues, [
      'clientNames',
      'logoUris',
      'clientUris',
      'policyUris',
      'tosUris',
    ]),
    descriptions: Type.Optional(
      describedAs(TaggedValues, { description: 'The language-tagged variants of description' }),
    ),
    defaultMaxAge: Type.Optional(Count(`${metadataDescription('defaultMaxAge')}; 0 = none`)),
    attributes: Type.Optional(
      describedAs(Pairs, { description: 'Arbitrary key-value pairs kept with the client' }),
    ),
    extension: Type.Optional(
      Type.Object(
        {
          requestableScopes: Type.Optional(
            describedAs(StrList, {
              description: metadataDescription('extension.requestableScopes'),
            }),
          ),
          requestableScopesEnabled: Type.Optional(
            describedAs(Bool, {
              description: 'Whether requestableScopes limits what the client may request',
            }),
          ),
          ...members(Count('Seconds; 0 = the service default'), {
            accessTokenDuration:
              'Kept as sent (Authlete: access token lifetime, seconds; 0 = the service default)',
            refreshTokenDuration:
              'Kept as sent (Authlete: refresh token lifetime, seconds; 0 = the service default)',
            idTokenDuration:
              'Kept as sent (Authlete: ID token lifetime, seconds; 0 = the service default)',
          }),
          tokenExchangePermitted: Type.Optional(
            describedAs(Bool, {
              description: 'Kept as sent (Authlete: may use token exchange, RFC 8693)',
            }),
          ),
        },
        {
          additionalProperties: true,
          description: "Authlete's client extension: settings beyond the metadata",
        },
      ),
    ),
  },
  { additionalProperties: true, title: 'Client', description: "Authlete's Client object" },
)

/**
 * Members of a Client that requests leave untyped: the ones the server assigns (read-only
 * in Authlete's API) and settings Registrar keeps as sent. Answers carry them typed.
 */
const ClientAnswerMembers = {
  ...members(Int, {
    number: 'Read-only: the client number, assigned by the server',
    serviceNumber: "Read-only: the service's number",
    clientId: 'Read-only: the client id (RFC 7591 §3.2.1 client_id)',
    createdAt: 'Read-only: when it was created, milliseconds since the epoch',
    modifiedAt: 'Read-only: when it last changed, milliseconds since the epoch',
  }),
  ...members(Str, {
    clientSecret:
      'The client secret (RFC 7591 §3.2.1 client_secret); absent for methods without one',
    derivedSectorIdentifier:
      'Read-only: the host of sector_identifier_uri or of the one redirect URI, for pairwise subjects (OIDC Core §8.1)',
    registrationAccessTokenHash:
      'Read-only: the SHA-256 hash of the registration access token (RFC 7592 §3), never the token',
  }),
  // Registrar's own, beside clientSecret (RFC 7591 §3.2.1 client_secret_expires_at), so an
  // authorization server can refuse an expired secret.
  clientSecretExpiresAt: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'Registrar: when clientSecret expires, seconds since the epoch; 0 = never (RFC 7591 §3.2.1 client_secret_expires_at)',
    }),
  ),
  lastUsedAt: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'Registrar: when the client last used its credentials (client/authenticate) or its registration access token (RFC 7592), milliseconds since the epoch, to the hour',
    }),
  ),
  registrationAccessTokenRevokedAt: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'Registrar: when reuse of a rotated registration access token revoked all of the client’s tokens (milliseconds since the epoch); absent while it has a working token. Ignored on input; see client/registration-token',
    }),
  ),
  ...members(Bool, {
    dynamicallyRegistered:
      'Read-only: whether it was registered through RFC 7591 rather than client/create',
    frontChannelRequestObjectEncryptionRequired:
      'Kept as sent (Authlete: request objects on the front channel must be encrypted)',
    requestObjectEncryptionAlgMatchRequired:
      'Kept as sent (Authlete: an encrypted request object must use requestEncryptionAlg)',
    requestObjectEncryptionEncMatchRequired:
      'Kept as sent (Authlete: an encrypted request object must use requestEncryptionEnc)',
    singleAccessTokenPerSubject: 'Kept as sent (Authlete: one access token per subject)',
  }),
}

/** Authlete's Client as Registrar answers it. */
export const ClientAnswerSchema = Type.Object(
  { ...ClientSchema.properties, ...ClientAnswerMembers },
  {
    additionalProperties: true,
    title: 'ClientAnswer',
    description: "Authlete's Client object, with the members the server assigns",
  },
)
/** Authlete's Client object. Every member optional; RO ones are server-assigned. */
export type AuthleteClient = Static<typeof ClientAnswerSchema>

/** A supported scope of a service, as answers carry it. */
const ScopeSchema = Type.Object(
  {
    name: Type.String({ description: 'The scope' }),
    ...members(Bool, { defaultEntry: 'Kept as sent (Authlete: granted when none is requested)' }),
    ...members(Str, { description: 'What the scope grants, for people' }),
    descriptions: Type.Optional(
      describedAs(TaggedValues, { description: 'The language-tagged variants of description' }),
    ),
    attributes: Type.Optional(
      describedAs(Pairs, { description: 'Arbitrary key-value pairs kept with the scope' }),
    ),
  },
  { additionalProperties: true, title: 'Scope', description: 'A scope of the service' },
)
export type AuthleteScope = Static<typeof ScopeSchema>

/** What the server assigns to a service (RO): answered, and ignored on input. */
const ServiceAssignedMembers = {
  ...members(Int, {
    number: 'Read-only: the service number',
    serviceOwnerNumber: 'Read-only: the owner number, kept for Authlete compatibility',
    apiKey: 'Read-only: the service id, `{serviceId}` in paths',
    createdAt: 'Read-only: when it was created, milliseconds since the epoch',
    modifiedAt: 'Read-only: when it last changed, milliseconds since the epoch',
  }),
  ...members(Str, {
    apiSecret:
      "HTTP Basic password, with apiKey as user name, for this service's calls (a service token's rights). Answered only by service create and service/secret/refresh; only its hash is stored.",
  }),
  metadata: Type.Optional(
    describedAs(Pairs, { description: 'Read-only: what the server notes about the service' }),
  ),
}
export const SERVICE_ASSIGNED_MEMBERS = Object.keys(
  ServiceAssignedMembers,
) as readonly (keyof typeof ServiceAssignedMembers)[]

/** Authlete's Service as Registrar answers it: with what the server assigns (RO). */
export const ServiceAnswerSchema = Type.Object(
  {
    ...ServiceSchema.properties,
    ...ServiceAssignedMembers,
    supportedScopes: Type.Optional(
      Type.Array(ScopeSchema, {
        description: ServiceSchema.properties.supportedScopes.description,
      }),
    ),
  },
  { additionalProperties: true, title: 'ServiceAnswer', description: ServiceSchema.description },
)
/**
 * Authlete's Service object, plus Registrar's extension settings
 *. Every member optional; RO ones are server-assigned.
 */
export type AuthleteService = Static<typeof ServiceAnswerSchema>

/** Body of the four DCR calls (Authlete's API). */
/** `{error, error_description}` (RFC 6749 §5.2, RFC 7591 §3.2.2). */
const ErrorMembers = {
  error: describedAs(oneOf(OAUTH_ERROR_CODES), {
    description: 'The error code (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2)',
  }),
  error_description: Type.String({ description: 'What went wrong, for the developer' }),
}
export const OAuthErrorSchema = Type.Object(ErrorMembers, {
  title: 'OAuthError',
  description: 'An OAuth error (RFC 6749 §5.2, RFC 7591 §3.2.2)',
})

/** One reason a registration or update is refused (explained rejection). */
export const ViolationSchema = Type.Object(
  {
    pointer: Type.String({
      description:
        'JSON pointer (RFC 6901) into the request body as sent: the member or list item at fault, "" for the body as a whole, "/software_statement" for a member a software statement asserted',
      examples: ['/redirect_uris/1'],
    }),
    rule: Type.String({
      description:
        "The requirement broken: a metadata rule's name, or json, jsonObject, storable, softwareStatement, shape, echoedMember for problems found before the rules",
      examples: ['httpRedirectIsLoopback'],
    }),
    spec: Type.String({
      description:
        "Where the requirement comes from: an RFC section, or policy.<field> of the service's policy",
      examples: ['RFC 8252 §7.3; OIDC DCR §2'],
    }),
    ...ErrorMembers,
  },
  {
    additionalProperties: false,
    title: 'Violation',
    description: 'One reason the request body is refused',
  },
)
/** @see README, "Explained rejections and dry run" */
export type Violation = Static<typeof ViolationSchema>

/**
 * The error body of the registration endpoints and the DCR API: a refusal of the request
 * body lists every violation in rule order, and `error` and `error_description` are the
 * first one's.
 * @see RFC 7591 §3.2.2
 */
export const RegistrationErrorSchema = Type.Object(
  {
    ...OAuthErrorSchema.properties,
    violations: Type.Optional(
      Type.Array(ViolationSchema, {
        description:
          'Every violation, in rule order; present on every refusal of the request body (metadata errors, and RFC 7592 echoed members)',
      }),
    ),
  },
  {
    title: 'RegistrationError',
    description:
      "A refused registration or update: the first violation's error, and every violation",
  },
)

/** What a dry run reports the server changed of the request (RFC 7591 §3.2.1). */
export const SubstitutionSchema = Type.Object(
  {
    pointer: Type.String({
      description: 'JSON pointer (RFC 6901) of the member in the request body',
      examples: ['/grant_types'],
    }),
    change: Type.Union(
      [Type.Literal('defaulted'), Type.Literal('replaced'), Type.Literal('dropped')],
      {
        description:
          'defaulted: absent from the request, given a value by the server; replaced: registered with another value than sent (normalised, narrowed, or asserted by a software statement); dropped: sent but not registered (unknown, server-managed, or meaning nothing)',
      },
    ),
  },
  {
    additionalProperties: false,
    title: 'Substitution',
    description: 'One change the server made to the request',
  },
)
/** @see README, "Explained rejections and dry run" */
export type Substitution = Static<typeof SubstitutionSchema>

/**
 * The answer of a dry run: the client the request would register, computed by the same
 * code as a registration, with nothing issued or stored.
 * @see README, "Explained rejections and dry run"
 */
export const DryRunResultSchema = Type.Object(
  {
    client: Type.Object(ClientMetadataSchema.properties, {
      additionalProperties: true,
      description:
        'The effective client metadata a registration would store (RFC 7591 §3.2.1): defaults applied; no client_id, client_secret, registration_access_token or registration_client_uri',
    }),
    substitutions: Type.Array(SubstitutionSchema, {
      description:
        "Members the server defaulted, replaced or dropped: the request's in their order, then the defaulted ones",
    }),
  },
  {
    title: 'DryRunResult',
    description: 'What a registration would do, with nothing issued or stored',
  },
)
/** @see README, "Explained rejections and dry run" */
export type DryRunResult = Omit<Static<typeof DryRunResultSchema>, 'client'> & {
  client: ClientMetadata
}

export const ClientRegistrationRequestSchema = Type.Object(
  {
    json: Type.Optional(Type.String({ description: "The client's request body, as JSON text" })),
    token: Type.Optional(
      Type.String({
        description:
          'register: the initial access token; get/update/delete: the registration access token',
      }),
    ),
    clientId: Type.Optional(
      Type.Union([Type.String(), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
        description: 'The client id from the management URL',
      }),
    ),
    dryRun: Type.Optional(
      Type.Boolean({
        description:
          'register only: decide without registering. Action OK with the client the request would register as responseContent (DryRunResult), or BAD_REQUEST with every violation; nothing is issued or stored, and no initial access token use is consumed',
      }),
    ),
  },
  {
    title: 'ClientRegistrationRequest',
    description:
      "A DCR call an authorization server makes on a client's behalf (RFC 7591, RFC 7592)",
  },
)
/** Body of `POST /api/{serviceId}/client/registration[/get|/update|/delete]` (Authlete's API). */
export type ClientRegistrationRequest = Static<typeof ClientRegistrationRequestSchema>

export const ClientRegistrationResponseSchema = Type.Object(
  {
    resultCode: Type.String({ description: 'The result code, e.g. `A131001`' }),
    resultMessage: Type.String({ description: 'The result code and what happened, for people' }),
    action: describedAs(oneOf(ACTIONS), {
      description:
        'What the authorization server does next: answer the client with responseContent and the HTTP status the action names (CREATED 201, OK 200, UPDATED 200, DELETED 204, BAD_REQUEST 400, UNAUTHORIZED 401, INTERNAL_SERVER_ERROR 500)',
    }),
    responseContent: Type.Optional(
      Type.String({
        description:
          'JSON text for the client: the client information (CREATED, OK, UPDATED), the would-be client of a dry run (OK), or the error body with its violations (BAD_REQUEST); absent for DELETED',
        contentMediaType: 'application/json',
        contentSchema: Type.Union([
          ClientInformationSchema,
          DryRunResultSchema,
          RegistrationErrorSchema,
        ]),
      }),
    ),
    client: Type.Optional(
      describedAs(ClientAnswerSchema, {
        description: 'The client as Authlete holds it; absent on refusals and for DELETED',
      }),
    ),
  },
  {
    additionalProperties: true,
    title: 'ClientRegistrationResponse',
    description: 'The answer of a DCR call, always HTTP 200',
  },
)
/** Answer of the four DCR API calls, always HTTP 200 (Authlete's API). */
export type ClientRegistrationResponse = Static<typeof ClientRegistrationResponseSchema>

/** Body of every API-level error (Authlete's API). */
export const ResultErrorSchema = Type.Object(
  {
    resultCode: Type.String({
      examples: ['A001202'],
      description: 'The result code: A, three digits of the API, three of the error',
    }),
    resultMessage: Type.String({
      examples: ['[A001202] /api/service/create, Authorization header is missing.'],
      description: 'The result code, the API and what went wrong',
    }),
  },
  { title: 'ResultError', description: 'An Authlete API error' },
)
/** The error body of every API-level failure (Authlete's API). */
export type ResultError = Static<typeof ResultErrorSchema>

/** The window members of a list answer. */
const windowAnswer = (items: string) => ({
  start: Type.Integer({ description: 'The first item answered, inclusive' }),
  end: Type.Integer({
    description: 'Where the answer stopped, exclusive: start the next call here',
  }),
  totalCount: Type.Integer({ description: `How many ${items} there are in all` }),
})

export const ServiceListSchema = Type.Object(
  {
    ...windowAnswer('services'),
    services: Type.Array(ServiceAnswerSchema, { description: 'The services in the window' }),
  },
  { title: 'ServiceList', description: 'A window of the services' },
)
/** @see Authlete's API (`service.list`) */
export type ServiceList = Static<typeof ServiceListSchema>

export const ClientListSchema = Type.Object(
  {
    ...windowAnswer('clients'),
    clients: Type.Array(ClientAnswerSchema, { description: 'The clients in the window' }),
  },
  { title: 'ClientList', description: "A window of the service's clients" },
)
/** @see Authlete's API (`client.list`) */
export type ClientList = Static<typeof ClientListSchema>

/** `POST /api/{S}/initial_access_token/create`. */
export const InitialAccessTokenCreateSchema = Type.Object({
  expiresIn: Type.Optional(Count('Seconds; absent or 0 = never expires')),
  maxUses: Type.Optional(Count('Absent or 0 = unlimited')),
  description: Type.Optional(Type.String({ description: 'What the token is for, for people' })),
})
export type InitialAccessTokenCreateBody = Static<typeof InitialAccessTokenCreateSchema>

export const InitialAccessTokenCreatedSchema = Type.Object({
  id: Type.String({ description: 'Names the token in list and delete calls' }),
  token: Type.String({ description: 'Shown once; only its hash is stored' }),
  expiresAt: Type.Integer({ description: 'Milliseconds since the epoch; 0 = never' }),
  maxUses: Type.Integer({ description: '0 = unlimited' }),
})
/** A new initial access token; `token` is shown this once. @see RFC 7591 §3 */
export type CreatedInitialAccessToken = Static<typeof InitialAccessTokenCreatedSchema>

/** A live initial access token, without its secret. @see README, "Registrar's extensions to the API" */
const InitialAccessTokenInfoSchema = Type.Object({
  id: Type.String({ description: 'Names the token in delete calls' }),
  expiresAt: Type.Integer({ description: 'Milliseconds since the epoch; 0 = never' }),
  maxUses: Type.Integer({ description: '0 = unlimited' }),
  usesLeft: Type.Optional(Type.Integer({ description: 'Omitted when unlimited' })),
  description: Type.Optional(Type.String({ description: 'What the token is for, for people' })),
})
export type InitialAccessTokenInfo = Static<typeof InitialAccessTokenInfoSchema>

export const InitialAccessTokenListSchema = Type.Object({
  ...windowAnswer('live tokens'),
  tokens: Type.Array(InitialAccessTokenInfoSchema, { description: 'The tokens in the window' }),
})
/** @see README, "Registrar's extensions to the API" */
export type InitialAccessTokenList = Static<typeof InitialAccessTokenListSchema>

/** A token of a service, by its id: an initial access token or an API token. */
export const ServiceTokenParams = Type.Object({
  serviceId: ServiceIdParams.properties.serviceId,
  id: Type.String({ description: 'The id its create call answered' }),
})

/** `POST /api/{S}/token/create`. */
export const ApiTokenCreateSchema = Type.Object({
  description: Type.Optional(Type.String({ description: 'What the token is for, for people' })),
  expiresIn: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_INT32,
      description: 'Seconds until it stops working; 0 or absent: never',
    }),
  ),
})
export type ApiTokenCreateBody = Static<typeof ApiTokenCreateSchema>

export const ApiTokenCreatedSchema = Type.Object({
  id: Type.String({ description: 'Names the token in list and revoke calls' }),
  token: Type.String({ description: 'A bearer token for this service only; shown once' }),
  expiresAt: Type.Optional(
    Type.Integer({ description: 'When it stops working, milliseconds since the epoch' }),
  ),
})

/** A service API token as listed: never its secret. */
export const ApiTokenInfoSchema = Type.Object({
  id: Type.String({ description: 'Names the token in revoke calls' }),
  description: Type.Optional(Type.String({ description: 'What the token is for, for people' })),
  createdAt: Type.Integer({ description: 'Milliseconds since the epoch' }),
  expiresAt: Type.Optional(
    Type.Integer({ description: 'When it stops working; absent for never' }),
  ),
  lastUsedAt: Type.Optional(
    Type.Integer({
      description: 'When it last authenticated a call, to the hour; absent for never',
    }),
  ),
})
export type ApiTokenInfo = Static<typeof ApiTokenInfoSchema>

export const ApiTokenListSchema = Type.Object({
  tokens: Type.Array(ApiTokenInfoSchema, { description: "The service's API tokens" }),
})
export type ApiTokenList = Static<typeof ApiTokenListSchema>
/** A service-scoped API token; `token` is shown this once. @see README, "Registrar's extensions to the API" */
export type ApiToken = Static<typeof ApiTokenCreatedSchema>

export const HealthSchema = Type.Object({
  status: Type.String({ description: '`ok`, or what does not answer' }),
})

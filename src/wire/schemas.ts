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
const StrList = Type.Array(Type.String())
const PairSchema = Type.Object({ key: Type.String(), value: Type.String() })
const TaggedValueSchema = Type.Object({ tag: Type.String(), value: Type.String() })
const Pairs = Type.Array(PairSchema)
const TaggedValues = Type.Array(TaggedValueSchema)
export type Pair = Static<typeof PairSchema>
/** A language-tagged value (RFC 7591 §2.2) as Authlete holds it. */
export type TaggedValue = Static<typeof TaggedValueSchema>

const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)))
const listOf = <T extends string>(values: readonly T[]) => Type.Array(oneOf(values))

/** Optional members of one schema, typed: `{ [name]: Optional<kind> }`. */
function members<const K extends string, S extends TSchema>(kind: S, names: readonly K[]) {
  return Object.fromEntries(names.map((name) => [name, Type.Optional(kind)])) as unknown as {
    [name in K]: TOptional<S>
  }
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
  developer: Type.Optional(Type.String()),
})

/** The initial access token list answers its first page, all of it for most services. */
export const TokenListQuery = Type.Object(windowQuery(MAX_PAGE_SIZE))

export const ConfigurationQuery = Type.Object({
  pretty: Type.Optional(oneOf(['true', 'false'])),
  patch: Type.Optional(
    Type.String({ description: 'A JSON Patch (RFC 6902), as JSON text, applied to the document' }),
  ),
})

/** One entry of `trustedSoftwareStatementIssuers`. */
const TrustedIssuerSchema = Type.Object({
  issuer: Type.String({ minLength: 1 }),
  jwks: JwkSetSchema,
})
export type TrustedIssuer = Static<typeof TrustedIssuerSchema>

/** Authlete's Service with Registrar's extension settings. */
export const ServiceSchema = Type.Object(
  {
    ...members(Str, [
      'serviceName',
      'description',
      'issuer',
      'registrationEndpoint',
      'registrationManagementEndpoint',
      'authorizationEndpoint',
      'tokenEndpoint',
      'revocationEndpoint',
      'introspectionEndpoint',
      'userInfoEndpoint',
      'jwksUri',
      'endSessionEndpoint',
      'pushedAuthReqEndpoint',
      'deviceAuthorizationEndpoint',
      'backchannelAuthenticationEndpoint',
      'accessTokenType',
    ]),
    accessTokenSignAlg: Type.Optional(oneOf(AUTHLETE_ENUMS.jwsAlg)),
    supportedGrantTypes: Type.Optional(listOf(AUTHLETE_ENUMS.grantType)),
    supportedResponseTypes: Type.Optional(listOf(AUTHLETE_ENUMS.responseType)),
    ...members(listOf(AUTHLETE_ENUMS.clientAuthMethod), [
      'supportedTokenAuthMethods',
      'supportedRevocationAuthMethods',
      'supportedIntrospectionAuthMethods',
    ]),
    supportedDisplays: Type.Optional(listOf(AUTHLETE_ENUMS.display)),
    supportedClaimTypes: Type.Optional(listOf(AUTHLETE_ENUMS.claimType)),
    supportedPromptValues: Type.Optional(listOf(AUTHLETE_ENUMS.prompt)),
    supportedBackchannelTokenDeliveryModes: Type.Optional(listOf(AUTHLETE_ENUMS.deliveryMode)),
    ...members(Bool, [
      'clientIdAliasEnabled',
      'dynamicRegistrationSupported',
      'unauthorizedOnClientConfigSupported',
      'dcrScopeUsedAsRequestable',
      'dcrDuplicateSoftwareIdBlocked',
      'pkceRequired',
      'pkceS256Required',
      'parRequired',
      'requestObjectRequired',
      'tlsClientCertificateBoundAccessTokens',
      'scopeRequired',
      'loopbackRedirectionUriVariable',
      'initialAccessTokenRequired',
    ]),
    clientsPerDeveloper: Type.Optional(Count('Clients one developer may hold; 0 = no limit')),
    ...members(Count('Seconds'), [
      'accessTokenDuration',
      'refreshTokenDuration',
      'idTokenDuration',
    ]),
    ...members(StrList, ['supportedCustomClientMetadata', 'supportedClaims']),
    attributes: Type.Optional(Pairs),
    supportedScopes: Type.Optional(
      Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: true })),
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
 * The credentials an authorization server checks through `client/authenticate`
 *: a client secret (RFC 6749 §2.3.1) or a JWT assertion (RFC 7523 §2.2),
 * with the parameter names of the token request they came in.
 */
export const ClientCredentialsSchema = Type.Object(
  {
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH })),
    client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    client_assertion_type: Type.Optional(Type.String({ maxLength: 256 })),
    client_assertion: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
  },
  { additionalProperties: false },
)
export type ClientCredentials = Static<typeof ClientCredentialsSchema>

/** Authlete's Client. */
export const ClientSchema = Type.Object(
  {
    ...members(Str, [
      'clientIdAlias',
      'clientName',
      'description',
      'logoUri',
      'clientUri',
      'policyUri',
      'tosUri',
      'jwksUri',
      'jwks',
      'softwareId',
      'softwareVersion',
      'sectorIdentifierUri',
      'loginUri',
      'tlsClientAuthSubjectDn',
      'tlsClientAuthSanDns',
      'tlsClientAuthSanUri',
      'tlsClientAuthSanIp',
      'tlsClientAuthSanEmail',
      'selfSignedCertificateKeyId',
      'bcDeliveryMode',
      'bcNotificationEndpoint',
      'customMetadata',
      'developer',
    ]),
    clientType: Type.Optional(oneOf(AUTHLETE_ENUMS.clientType)),
    applicationType: Type.Optional(oneOf(AUTHLETE_ENUMS.applicationType)),
    subjectType: Type.Optional(oneOf(AUTHLETE_ENUMS.subjectType)),
    tokenAuthMethod: Type.Optional(oneOf(AUTHLETE_ENUMS.clientAuthMethod)),
    ...members(oneOf(AUTHLETE_ENUMS.jwsAlg), [
      'tokenAuthSignAlg',
      'idTokenSignAlg',
      'userInfoSignAlg',
      'requestSignAlg',
      'authorizationSignAlg',
      'bcRequestSignAlg',
    ]),
    ...members(oneOf(AUTHLETE_ENUMS.jweAlg), [
      'idTokenEncryptionAlg',
      'userInfoEncryptionAlg',
      'requestEncryptionAlg',
      'authorizationEncryptionAlg',
    ]),
    ...members(oneOf(AUTHLETE_ENUMS.jweEnc), [
      'idTokenEncryptionEnc',
      'userInfoEncryptionEnc',
      'requestEncryptionEnc',
      'authorizationEncryptionEnc',
    ]),
    grantTypes: Type.Optional(listOf(AUTHLETE_ENUMS.grantType)),
    responseTypes: Type.Optional(listOf(AUTHLETE_ENUMS.responseType)),
    responseModes: Type.Optional(listOf(AUTHLETE_ENUMS.responseMode)),
    ...members(Bool, [
      'clientIdAliasEnabled',
      'authTimeRequired',
      'parRequired',
      'requestObjectRequired',
      'tlsClientCertificateBoundAccessTokens',
      'bcUserCodeRequired',
      'dpopRequired',
      'locked',
      'pkceRequired',
      'pkceS256Required',
    ]),
    ...members(StrList, [
      'contacts',
      'redirectUris',
      'defaultAcrs',
      'requestUris',
      'authorizationDetailsTypes',
    ]),
    ...members(TaggedValues, [
      'clientNames',
      'descriptions',
      'logoUris',
      'clientUris',
      'policyUris',
      'tosUris',
    ]),
    defaultMaxAge: Type.Optional(Count('Seconds (OIDC DCR §2 default_max_age); 0 = none')),
    attributes: Type.Optional(Pairs),
    extension: Type.Optional(
      Type.Object(
        {
          requestableScopes: Type.Optional(StrList),
          requestableScopesEnabled: Type.Optional(Bool),
          ...members(Count('Seconds; 0 = the service default'), [
            'accessTokenDuration',
            'refreshTokenDuration',
            'idTokenDuration',
          ]),
          tokenExchangePermitted: Type.Optional(Bool),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true, description: "Authlete's Client object" },
)

/**
 * Members of a Client that requests leave untyped: the ones the server assigns (read-only
 * in Authlete's API) and settings Registrar keeps as sent. Answers carry them typed.
 */
const ClientAnswerMembers = {
  ...members(Int, ['number', 'serviceNumber', 'clientId', 'createdAt', 'modifiedAt']),
  ...members(Str, ['clientSecret', 'derivedSectorIdentifier', 'registrationAccessTokenHash']),
  // Registrar's own, beside clientSecret: when it expires, seconds since the epoch, 0 for
  // never (RFC 7591 §3.2.1 client_secret_expires_at), so an authorization server can refuse
  // an expired secret.
  clientSecretExpiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
  // Registrar's own: when the client last used its credentials (client/authenticate) or its
  // registration access token (RFC 7592), milliseconds since the epoch, to the hour.
  lastUsedAt: Type.Optional(Type.Integer({ minimum: 0 })),
  registrationAccessTokenRevokedAt: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'Registrar: when reuse of a rotated registration access token revoked all of the client’s tokens (milliseconds since the epoch); absent while it has a working token. Ignored on input; see client/registration-token',
    }),
  ),
  ...members(Bool, [
    'dynamicallyRegistered',
    'frontChannelRequestObjectEncryptionRequired',
    'requestObjectEncryptionAlgMatchRequired',
    'requestObjectEncryptionEncMatchRequired',
    'singleAccessTokenPerSubject',
  ]),
}

/** Authlete's Client as Registrar answers it. */
export const ClientAnswerSchema = Type.Object(
  { ...ClientSchema.properties, ...ClientAnswerMembers },
  { additionalProperties: true, description: "Authlete's Client object" },
)
/** Authlete's Client object. Every member optional; RO ones are server-assigned. */
export type AuthleteClient = Static<typeof ClientAnswerSchema>

/** A supported scope of a service, as answers carry it. */
const ScopeSchema = Type.Object(
  {
    name: Type.String(),
    defaultEntry: Type.Optional(Bool),
    description: Type.Optional(Str),
    descriptions: Type.Optional(TaggedValues),
    attributes: Type.Optional(Pairs),
  },
  { additionalProperties: true },
)
export type AuthleteScope = Static<typeof ScopeSchema>

/** What the server assigns to a service (Authlete's API: RO): answered, and ignored on input. */
const ServiceAssignedMembers = {
  ...members(Int, ['number', 'serviceOwnerNumber', 'apiKey', 'createdAt', 'modifiedAt']),
  apiSecret: Type.Optional(
    Type.String({
      description:
        "HTTP Basic password, with apiKey as user name, for this service's calls (a service token's rights). Answered only by service create and service/secret/refresh; only its hash is stored.",
    }),
  ),
  metadata: Type.Optional(Pairs),
}
export const SERVICE_ASSIGNED_MEMBERS = Object.keys(
  ServiceAssignedMembers,
) as readonly (keyof typeof ServiceAssignedMembers)[]

/** Authlete's Service as Registrar answers it: with what the server assigns (RO). */
export const ServiceAnswerSchema = Type.Object(
  {
    ...ServiceSchema.properties,
    ...ServiceAssignedMembers,
    supportedScopes: Type.Optional(Type.Array(ScopeSchema)),
  },
  { additionalProperties: true, description: ServiceSchema.description },
)
/**
 * Authlete's Service object, plus Registrar's extension settings.
 * Every member optional; RO ones are server-assigned.
 */
export type AuthleteService = Static<typeof ServiceAnswerSchema>

/** Body of the four DCR calls (Authlete's API). */
/** `{error, error_description}` (RFC 6749 §5.2, RFC 7591 §3.2.2). */
export const OAuthErrorSchema = Type.Object({
  error: oneOf(OAUTH_ERROR_CODES),
  error_description: Type.String(),
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
    error: oneOf(OAUTH_ERROR_CODES),
    error_description: Type.String(),
  },
  { additionalProperties: false },
)
/** @see README, "Explained rejections and dry run" */
export type Violation = Static<typeof ViolationSchema>

/**
 * The error body of the registration endpoints and the DCR API: a refusal of the request
 * body lists every violation in rule order, and `error` and `error_description` are the
 * first one's.
 * @see RFC 7591 §3.2.2
 */
export const RegistrationErrorSchema = Type.Object({
  ...OAuthErrorSchema.properties,
  violations: Type.Optional(
    Type.Array(ViolationSchema, {
      description:
        'Every violation, in rule order; present on every refusal of the request body (metadata errors, and RFC 7592 echoed members)',
    }),
  ),
})

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
  { additionalProperties: false },
)
/** @see README, "Explained rejections and dry run" */
export type Substitution = Static<typeof SubstitutionSchema>

/**
 * The answer of a dry run: the client the request would register, computed by the same
 * code as a registration, with nothing issued or stored.
 * @see README, "Explained rejections and dry run"
 */
export const DryRunResultSchema = Type.Object({
  client: Type.Object(ClientMetadataSchema.properties, {
    additionalProperties: true,
    description:
      'The effective client metadata a registration would store (RFC 7591 §3.2.1): defaults applied; no client_id, client_secret, registration_access_token or registration_client_uri',
  }),
  substitutions: Type.Array(SubstitutionSchema, {
    description:
      "Members the server defaulted, replaced or dropped: the request's in their order, then the defaulted ones",
  }),
})
/** @see README, "Explained rejections and dry run" */
export type DryRunResult = Omit<Static<typeof DryRunResultSchema>, 'client'> & {
  client: ClientMetadata
}

export const ClientRegistrationRequestSchema = Type.Object({
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
})
/** Body of `POST /api/{serviceId}/client/registration[/get|/update|/delete]` (Authlete's API). */
export type ClientRegistrationRequest = Static<typeof ClientRegistrationRequestSchema>

export const ClientRegistrationResponseSchema = Type.Object(
  {
    resultCode: Type.String(),
    resultMessage: Type.String(),
    action: oneOf(ACTIONS),
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
    client: Type.Optional(ClientAnswerSchema),
  },
  { additionalProperties: true },
)
/** Answer of the four DCR API calls, always HTTP 200 (Authlete's API). */
export type ClientRegistrationResponse = Static<typeof ClientRegistrationResponseSchema>

/** Body of every API-level error (Authlete's API). */
export const ResultErrorSchema = Type.Object({
  resultCode: Type.String({ examples: ['A001202'] }),
  resultMessage: Type.String({
    examples: ['[A001202] /api/service/create, Authorization header is missing.'],
  }),
})
/** The error body of every API-level failure (Authlete's API). */
export type ResultError = Static<typeof ResultErrorSchema>

export const ServiceListSchema = Type.Object({
  start: Int,
  end: Int,
  totalCount: Int,
  services: Type.Array(ServiceAnswerSchema),
})
/** @see Authlete's API (`service.list`) */
export type ServiceList = Static<typeof ServiceListSchema>

export const ClientListSchema = Type.Object({
  start: Int,
  end: Int,
  totalCount: Int,
  clients: Type.Array(ClientAnswerSchema),
})
/** @see Authlete's API (`client.list`) */
export type ClientList = Static<typeof ClientListSchema>

/** `POST /api/{S}/initial_access_token/create`. */
export const InitialAccessTokenCreateSchema = Type.Object({
  expiresIn: Type.Optional(Count('Seconds; absent or 0 = never expires')),
  maxUses: Type.Optional(Count('Absent or 0 = unlimited')),
  description: Type.Optional(Type.String()),
})
export type InitialAccessTokenCreateBody = Static<typeof InitialAccessTokenCreateSchema>

export const InitialAccessTokenCreatedSchema = Type.Object({
  id: Type.String(),
  token: Type.String({ description: 'Shown once; only its hash is stored' }),
  expiresAt: Type.Integer({ description: 'Milliseconds since the epoch; 0 = never' }),
  maxUses: Type.Integer({ description: '0 = unlimited' }),
})
/** A new initial access token; `token` is shown this once. @see RFC 7591 §3 */
export type CreatedInitialAccessToken = Static<typeof InitialAccessTokenCreatedSchema>

/** A live initial access token, without its secret. @see README, "Registrar's extensions to the API" */
const InitialAccessTokenInfoSchema = Type.Object({
  id: Type.String(),
  expiresAt: Type.Integer({ description: 'Milliseconds since the epoch; 0 = never' }),
  maxUses: Type.Integer({ description: '0 = unlimited' }),
  usesLeft: Type.Optional(Type.Integer({ description: 'Omitted when unlimited' })),
  description: Type.Optional(Type.String()),
})
export type InitialAccessTokenInfo = Static<typeof InitialAccessTokenInfoSchema>

export const InitialAccessTokenListSchema = Type.Object({
  start: Int,
  end: Int,
  totalCount: Type.Integer({ description: 'Live tokens in all' }),
  tokens: Type.Array(InitialAccessTokenInfoSchema),
})
/** @see README, "Registrar's extensions to the API" */
export type InitialAccessTokenList = Static<typeof InitialAccessTokenListSchema>

/** A token of a service, by its id: an initial access token or an API token. */
export const ServiceTokenParams = Type.Object({
  serviceId: ServiceIdParams.properties.serviceId,
  id: Type.String(),
})

/** `POST /api/{S}/token/create`. */
export const ApiTokenCreateSchema = Type.Object({
  description: Type.Optional(Type.String()),
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
  id: Type.String(),
  token: Type.String({ description: 'A bearer token for this service only; shown once' }),
  expiresAt: Type.Optional(
    Type.Integer({ description: 'When it stops working, milliseconds since the epoch' }),
  ),
})

/** A service API token as listed: never its secret. */
export const ApiTokenInfoSchema = Type.Object({
  id: Type.String(),
  description: Type.Optional(Type.String()),
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

export const ApiTokenListSchema = Type.Object({ tokens: Type.Array(ApiTokenInfoSchema) })
export type ApiTokenList = Static<typeof ApiTokenListSchema>
/** A service-scoped API token; `token` is shown this once. @see README, "Registrar's extensions to the API" */
export type ApiToken = Static<typeof ApiTokenCreatedSchema>

export const HealthSchema = Type.Object({ status: Type.String() })

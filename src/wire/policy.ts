/**
 * A service's registration policy document: what anonymous agents and
 * trusted registrants may register, stored with the service and replaced as a whole through
 * `POST /api/{S}/service/policy`. Values are in protocol spelling (RFC 7591 §2). Every list
 * narrows what the service's Authlete settings allow: where both speak, the stricter holds.
 * An absent member sets no rule; an empty list allows nothing.
 */
import { Type, type Static } from '@sinclair/typebox'
import { MAX_INT32 } from './json-limits.js'

const Names = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { description }))

const Cap = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT32, description }))

/** The rules one registration is held to: those of the whole policy, or of its anonymous part. */
const RuleSetMembers = {
  redirectUris: Type.Optional(
    Type.Object(
      {
        schemes: Names(
          'Allowed redirect URI schemes, e.g. ["https", "http"]; private-use schemes are named ' +
            'as such ("com.example.app")',
        ),
        hosts: Names(
          'Allowed hosts of https and http redirect URIs; "*.example.com" allows every subdomain ' +
            'of example.com (not example.com itself). Loopback redirects are governed by loopback.',
        ),
        loopback: Type.Optional(
          Type.Boolean({
            description:
              'Whether RFC 8252 §7.3 loopback redirects (http://127.0.0.1, [::1], localhost) are ' +
              'allowed; default true',
          }),
        ),
      },
      { additionalProperties: false, description: 'Which redirect URIs clients may register' },
    ),
  ),
  grantTypes: Names('Allowed grant_types values'),
  responseTypes: Names('Allowed response_types values ("code", "code id_token", ...)'),
  tokenEndpointAuthMethods: Names('Allowed token_endpoint_auth_method values'),
  signingAlgorithms: Names(
    'Allowed JWS algorithms of every *_signing_alg and *_signed_response_alg member',
  ),
  scopes: Names('The scope allow-list: every requested scope value must be on it'),
  defaultScope: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'The scope given to a client that asks for none',
    }),
  ),
  requiredMembers: Names(
    'Client metadata members a registration must carry, e.g. ["contacts", "software_statement"]',
  ),
  forcedMembers: Type.Optional(
    Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.Unknown(), {
      description:
        'Client metadata members the server sets whatever the request says, e.g. ' +
        '{"require_pushed_authorization_requests": true} (RFC 7591 §3.2.1 lets the server ' +
        "replace requested values); each value must have its member's shape",
    }),
  ),
  senderConstrainedTokens: Type.Optional(
    Type.Boolean({
      description:
        'Whether a client must ask for sender-constrained access tokens: ' +
        'dpop_bound_access_tokens (RFC 9449 §5.2) or tls_client_certificate_bound_access_tokens ' +
        '(RFC 8705 §3.4)',
    }),
  ),
}

export const PolicyRuleSetSchema = Type.Object(RuleSetMembers, {
  additionalProperties: false,
  description: 'Rules for anonymous registrations, applied on top of the whole policy',
})

/** One token bucket: `capacity` registrations at once, refilled at `refillPerMinute`. */
const bucketMembers = {
  capacity: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    description: 'Registrations the bucket holds when full: the largest burst it allows',
  }),
  refillPerMinute: Type.Number({
    exclusiveMinimum: 0,
    maximum: 1_000_000,
    description:
      'Registrations added back per minute, fractions allowed (200 an hour is about ' +
      '3.33); at least one a day',
  }),
}

export const RateLimitSchema = Type.Object(bucketMembers, { additionalProperties: false })

const Bucket = (description: string) =>
  Type.Optional(Type.Object(bucketMembers, { additionalProperties: false, description }))

export const RateLimitsSchema = Type.Object(
  {
    perNetwork: Bucket(
      "Per client network (the address's IPv4 /24 or IPv6 /56 by default, server-wide " +
        'settings); the registration endpoint only',
    ),
    perSoftwareId: Bucket("Per body software_id; registrations without one don't count"),
    perInitialAccessToken: Bucket('Per initial access token (by its id)'),
    perService: Bucket('For the whole service'),
  },
  {
    additionalProperties: false,
    description:
      'Token buckets on registration (POST /{S}/register and the DCR API register call): an ' +
      'absent bucket never refuses; a full one answers 429 with Retry-After',
  },
)

/** Ten years: a probation longer than that is no probation. */
const MAX_PROBATION_SECONDS = 10 * 366 * 24 * 60 * 60

export const ProbationSchema = Type.Object(
  {
    lifetimeSeconds: Type.Integer({
      minimum: 60,
      maximum: MAX_PROBATION_SECONDS,
      description:
        'Seconds an anonymous client lives after it is registered; once they are up it is ' +
        'unknown to every endpoint and is deleted. Counted from creation: use does not extend it yet',
    }),
    scopes: Names(
      'The scope allow-list of a client on probation, narrowing the other scope rules; a ' +
        'client that asks for no scope gets these (or defaultScope, when set)',
    ),
  },
  {
    additionalProperties: false,
    description:
      'The probation tier: anonymous registrations (neither an initial access token nor a ' +
      'trusted software statement) get limited scopes and expire; off when absent',
  },
)

export const PolicySchema = Type.Object(
  {
    ...RuleSetMembers,
    maxClients: Cap('The most clients the service may hold; 1,000,000 when absent'),
    initialAccessTokenRequired: Type.Optional(
      Type.Boolean({
        description:
          'Whether every registration needs an initial access token (RFC 7591 §3), as the ' +
          "service setting of that name; either one's true holds",
      }),
    ),
    pkce: Type.Optional(
      Type.Union([Type.Literal('required'), Type.Literal('S256')], {
        description:
          'PKCE (RFC 7636) required of every registered client: its Authlete pkceRequired, ' +
          'and pkceS256Required for "S256"',
      }),
    ),
    maxClientsPerSoftwareId: Cap(
      'The most clients of the service one software_id may hold; no limit when absent',
    ),
    maxClientsPerInitialAccessToken: Cap(
      'The most clients one initial access token may register; no limit when absent',
    ),
    anonymous: Type.Optional(PolicyRuleSetSchema),
    probation: Type.Optional(ProbationSchema),
    rateLimits: Type.Optional(RateLimitsSchema),
  },
  {
    additionalProperties: false,
    description:
      "A service's registration policy. Lists narrow the service's settings (the stricter " +
      'holds); an absent member sets no rule. `anonymous` adds rules for registrations made ' +
      'with neither an initial access token nor a trusted software statement.',
  },
)

export type PolicyRuleSet = Static<typeof PolicyRuleSetSchema>
export type Policy = Static<typeof PolicySchema>
export type Probation = Static<typeof ProbationSchema>
export type RateLimit = Static<typeof RateLimitSchema>
export type RateLimits = Static<typeof RateLimitsSchema>

/** The clients a service may hold when its policy sets no maxClients. */
export const DEFAULT_MAX_CLIENTS = 1_000_000

/**
 * A service's registration policy document (CONTRACT.md §1c): what anonymous agents and
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
      { additionalProperties: false },
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
}

export const PolicyRuleSetSchema = Type.Object(RuleSetMembers, {
  additionalProperties: false,
  description: 'Rules for anonymous registrations, applied on top of the whole policy',
})

export const PolicySchema = Type.Object(
  {
    ...RuleSetMembers,
    maxClients: Cap(
      'The most clients the service may hold; 1,000,000 when absent (CONTRACT.md, Bad input)',
    ),
    maxClientsPerSoftwareId: Cap(
      'The most clients of the service one software_id may hold; no limit when absent',
    ),
    maxClientsPerInitialAccessToken: Cap(
      'The most clients one initial access token may register; no limit when absent',
    ),
    anonymous: Type.Optional(PolicyRuleSetSchema),
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

/** The clients a service may hold when its policy sets no maxClients. */
export const DEFAULT_MAX_CLIENTS = 1_000_000

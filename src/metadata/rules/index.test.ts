import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isOAuthError, type ClientMetadata } from '../../wire/index.js'
import { policyOf, type RegistrationPolicy } from '../policy.js'
import { resolveClientMetadata } from '../resolve.js'
import { RULES, type MetadataErrorCode } from './index.js'

const defaultPolicy = policyOf({})
const web = { redirect_uris: ['https://rp.example.com/cb'] }
const rsaKey = {
  kty: 'RSA',
  e: 'AQAB',
  n: 'viAfXQLPh7aVwahOXYkOROGKOOHvhPMMru3kIOzSgmpUP5qFpBHXuxsM9vkuoEAw4UUgtWkC5mbVzuBwdTo5uEWelXGmGUbICEn-ubzXd_UWjlfFymc6SlczjoYk9N3UoG_P3viW8ladv2qwvj-Yx-zm27lzv4BwDU7ZNa1ABmovw_ZqrZvTPQi2neRMF4AUQGv_7zwsFb43RbvP7KBt8MYvsZCFO-YPLgAW695Bl7r8C-VbL9TqZ0m1NyY8mnVU3DR4_KBvgreOLz1m_ldn1PKO7M0l1MEq02sHTIHz43mjF_3xw7A4iihmwN5YKAX_pjcq2-sRuuZIIDFZz3nMiQ',
}

interface RuleCase {
  /** What the rule requires, as a sentence with its section. */
  title: string
  policy?: RegistrationPolicy
  accepted: ClientMetadata[]
  rejected: { body: ClientMetadata; code: MetadataErrorCode }[]
}

const IRU = 'invalid_redirect_uri'
const ICM = 'invalid_client_metadata'

/** One entry per rule of RULES, by name. */
const CASES: Record<string, RuleCase> = {
  redirectUrisPresentWhenRequired: {
    title: 'public and implicit clients must register redirect URIs (RFC 6749 §3.1.2.2)',
    accepted: [
      { client_name: 'My Dynamic Client' },
      { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      { ...web, token_endpoint_auth_method: 'none' },
    ],
    rejected: [
      { body: { token_endpoint_auth_method: 'none' }, code: IRU },
      { body: { grant_types: ['implicit'], response_types: ['token'] }, code: IRU },
      { body: { redirect_uris: [], token_endpoint_auth_method: 'none' }, code: IRU },
    ],
  },
  redirectUriHasNoFragment: {
    title: 'a redirect URI has no fragment (RFC 6749 §3.1.2)',
    accepted: [{ redirect_uris: ['https://rp.example.com/cb?x=1'] }],
    rejected: [
      { body: { redirect_uris: ['https://rp.example.com/cb#frag'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb#'] }, code: IRU },
      { body: { redirect_uris: ['http://127.0.0.1:8080/cb#x'] }, code: IRU },
    ],
  },
  redirectUriSchemeIsNotDangerous: {
    title: 'a redirect URI never uses a dangerous scheme (RFC 6749 §10.6)',
    accepted: [{ redirect_uris: ['com.example.app:/cb', 'cursor://anysphere.cursor-mcp/cb'] }],
    rejected: [
      { body: { redirect_uris: ['javascript:alert(1)'] }, code: IRU },
      { body: { redirect_uris: ['data:text/html,hi'] }, code: IRU },
      { body: { redirect_uris: ['vbscript:msgbox'] }, code: IRU },
      { body: { redirect_uris: ['file:///etc/passwd'] }, code: IRU },
      { body: { redirect_uris: ['blob:https://a.example/x'] }, code: IRU },
      { body: { redirect_uris: ['about:blank'] }, code: IRU },
      { body: { redirect_uris: ['JavaScript:alert(1)'] }, code: IRU },
    ],
  },
  httpRedirectIsLoopback: {
    title: 'plain http redirects are loopback only (RFC 8252 §7.3)',
    accepted: [
      { redirect_uris: ['http://127.0.0.1/', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'] },
      { redirect_uris: ['http://localhost/cb'], application_type: 'web' },
      { redirect_uris: ['https://vscode.dev/redirect'], application_type: 'native' },
    ],
    rejected: [
      { body: { redirect_uris: ['http://rp.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://192.168.1.2/cb'], application_type: 'native' }, code: IRU },
      { body: { redirect_uris: ['http://localhost.evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://127.0.0.1/cb', 'http://rp.example.com/cb'] }, code: IRU },
    ],
  },
  webUrisUseHttp: {
    title: 'display and document URIs are web URLs (RFC 7591 §2)',
    accepted: [
      {
        ...web,
        client_uri: 'https://rp.example.com',
        'logo_uri#ja': 'http://rp.example.com/l.png',
      },
    ],
    rejected: [
      { body: { ...web, logo_uri: 'javascript:alert(1)' }, code: ICM },
      { body: { ...web, 'tos_uri#en': 'ftp://rp.example.com/tos' }, code: ICM },
      { body: { ...web, jwks_uri: 'file:///keys.json' }, code: ICM },
    ],
  },
  sectorIdentifierUriIsHttps: {
    title: 'sector_identifier_uri uses https (OIDC Core §8.1)',
    accepted: [{ ...web, sector_identifier_uri: 'https://rp.example.com/sector.json' }],
    rejected: [
      { body: { ...web, sector_identifier_uri: 'http://rp.example.com/s.json' }, code: ICM },
    ],
  },
  initiateLoginUriIsHttps: {
    title: 'initiate_login_uri uses https (OIDC DCR §2)',
    accepted: [{ ...web, initiate_login_uri: 'https://rp.example.com/login' }],
    rejected: [{ body: { ...web, initiate_login_uri: 'http://rp.example.com/login' }, code: ICM }],
  },
  requestUrisAreHttps: {
    title: 'request_uris use https (OIDC Core §6.2)',
    accepted: [{ ...web, request_uris: ['https://rp.example.com/req#abc'] }],
    rejected: [{ body: { ...web, request_uris: ['http://rp.example.com/req'] }, code: ICM }],
  },
  postLogoutRedirectUriSchemeIsNotDangerous: {
    title: 'post-logout redirect URIs never use a dangerous scheme (OIDC RP-Initiated Logout §3.1)',
    accepted: [{ ...web, post_logout_redirect_uris: ['https://rp.example.com/bye'] }],
    rejected: [{ body: { ...web, post_logout_redirect_uris: ['javascript:alert(1)'] }, code: ICM }],
  },
  tokenEndpointAuthMethodIsSupported: {
    title: 'the auth method is one the service supports (RFC 7591 §2)',
    policy: policyOf({ supportedTokenAuthMethods: ['NONE', 'CLIENT_SECRET_BASIC'] }),
    accepted: [{ ...web, token_endpoint_auth_method: 'none' }, { ...web }],
    rejected: [
      { body: { ...web, token_endpoint_auth_method: 'client_secret_post' }, code: ICM },
      { body: { ...web, token_endpoint_auth_method: 'spiffe_jwt' }, code: ICM },
    ],
  },
  jwksAndJwksUriAreExclusive: {
    title: 'jwks and jwks_uri are never both present (RFC 7591 §2)',
    accepted: [
      { ...web, jwks: { keys: [rsaKey] } },
      { ...web, jwks_uri: 'https://rp.example.com/jwks' },
    ],
    rejected: [
      {
        body: { ...web, jwks: { keys: [rsaKey] }, jwks_uri: 'https://rp.example.com/jwks' },
        code: ICM,
      },
    ],
  },
  tlsClientAuthHasOneSubject: {
    title: 'a tls_client_auth client registers exactly one subject member (RFC 8705 §2.1.2)',
    accepted: [
      {
        ...web,
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=rp',
      },
    ],
    rejected: [
      { body: { ...web, token_endpoint_auth_method: 'tls_client_auth' }, code: ICM },
      {
        body: {
          ...web,
          token_endpoint_auth_method: 'tls_client_auth',
          tls_client_auth_subject_dn: 'CN=rp',
          tls_client_auth_san_dns: 'rp.example.com',
        },
        code: ICM,
      },
    ],
  },
  scopeTokensAreWellFormed: {
    title: 'scope values are scope tokens (RFC 6749 §3.3)',
    accepted: [{ ...web, scope: 'openid mcp:read claudeai' }],
    rejected: [
      { body: { ...web, scope: 'openid "quoted"' }, code: ICM },
      { body: { ...web, scope: 'caf\u00e9' }, code: ICM },
    ],
  },
  scopeIsAllowed: {
    title: 'scope values are on the allow-list when the service has one (RFC 7591 §2)',
    policy: policyOf({ supportedScopes: [{ name: 'openid' }, { name: 'profile' }] }),
    accepted: [
      { ...web, scope: 'openid profile' },
      { ...web, scope: '' },
    ],
    rejected: [{ body: { ...web, scope: 'openid claudeai' }, code: ICM }],
  },
  signingAlgorithmsAreKnown: {
    title: 'signing algorithms are JWS algorithm names (RFC 7518 §3.1)',
    accepted: [
      { ...web, userinfo_signed_response_alg: 'ES256', request_object_signing_alg: 'none' },
    ],
    rejected: [
      { body: { ...web, id_token_signed_response_alg: 'RS257' }, code: ICM },
      { body: { ...web, userinfo_signed_response_alg: 'rs256' }, code: ICM },
    ],
  },
  encryptionAlgorithmsAreKnown: {
    title: 'key management algorithms are JWE algorithm names (RFC 7518 §4.1)',
    accepted: [{ ...web, id_token_encrypted_response_alg: 'RSA-OAEP-256' }],
    rejected: [{ body: { ...web, id_token_encrypted_response_alg: 'RSA_OAEP' }, code: ICM }],
  },
  encryptionEncodingsAreKnown: {
    title: 'content encryption values are JWE encoding names (RFC 7518 §5.1)',
    accepted: [
      {
        ...web,
        userinfo_encrypted_response_alg: 'ECDH-ES',
        userinfo_encrypted_response_enc: 'A256GCM',
      },
    ],
    rejected: [
      {
        body: {
          ...web,
          userinfo_encrypted_response_alg: 'ECDH-ES',
          userinfo_encrypted_response_enc: 'A256',
        },
        code: ICM,
      },
    ],
  },
  encryptionEncRequiresAlg: {
    title: 'an encryption enc member comes with its alg member (OIDC DCR §2)',
    accepted: [
      {
        ...web,
        request_object_encryption_alg: 'RSA-OAEP',
        request_object_encryption_enc: 'A128GCM',
      },
    ],
    rejected: [{ body: { ...web, id_token_encrypted_response_enc: 'A128GCM' }, code: ICM }],
  },
  tokenEndpointAuthSigningAlgIsNotNone: {
    title: 'token_endpoint_auth_signing_alg is never none (OIDC DCR §2)',
    accepted: [
      {
        ...web,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'PS256',
      },
    ],
    rejected: [{ body: { ...web, token_endpoint_auth_signing_alg: 'none' }, code: ICM }],
  },
  idTokenSigningAlgIsNoneOnlyWithoutIdToken: {
    title: 'an unsigned ID token only without id_token response types (OIDC DCR §2)',
    accepted: [{ ...web, id_token_signed_response_alg: 'none' }],
    rejected: [
      {
        body: {
          ...web,
          id_token_signed_response_alg: 'none',
          grant_types: ['implicit'],
          response_types: ['id_token'],
        },
        code: ICM,
      },
    ],
  },
  authorizationSigningAlgIsNotNone: {
    title: 'authorization_signed_response_alg is never none (JARM §3)',
    accepted: [{ ...web, authorization_signed_response_alg: 'ES256' }],
    rejected: [{ body: { ...web, authorization_signed_response_alg: 'none' }, code: ICM }],
  },
  backchannelRequestSigningAlgIsNotNone: {
    title: 'backchannel_authentication_request_signing_alg is never none (OIDC CIBA §4)',
    accepted: [{ ...web, backchannel_authentication_request_signing_alg: 'ES256' }],
    rejected: [
      { body: { ...web, backchannel_authentication_request_signing_alg: 'none' }, code: ICM },
    ],
  },
  publicClientUsesNoSymmetricAlgorithm: {
    title: 'a public client registers no symmetric algorithm (OIDC Core §10.1)',
    accepted: [{ ...web, id_token_signed_response_alg: 'HS256' }],
    rejected: [
      {
        body: { ...web, token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'HS256' },
        code: ICM,
      },
      {
        body: {
          ...web,
          token_endpoint_auth_method: 'none',
          userinfo_encrypted_response_alg: 'dir',
        },
        code: ICM,
      },
    ],
  },
  pairwiseWithSeveralRedirectHostsHasSectorIdentifier: {
    title: 'a pairwise client with several redirect hosts has a sector identifier (OIDC Core §8.1)',
    accepted: [
      { ...web, subject_type: 'pairwise' },
      {
        redirect_uris: ['https://a.example.com/cb', 'https://b.example.com/cb'],
        subject_type: 'pairwise',
        sector_identifier_uri: 'https://a.example.com/sector.json',
      },
    ],
    rejected: [
      {
        body: {
          redirect_uris: ['https://a.example.com/cb', 'https://b.example.com/cb'],
          subject_type: 'pairwise',
        },
        code: ICM,
      },
    ],
  },
  defaultMaxAgeIsNotNegative: {
    title: 'default_max_age is a non-negative number of seconds (OIDC DCR §2)',
    accepted: [
      { ...web, default_max_age: 3600 },
      { ...web, default_max_age: 0 },
    ],
    rejected: [{ body: { ...web, default_max_age: -1 }, code: ICM }],
  },
  cibaClientHasDeliveryMode: {
    title: 'a CIBA client registers its token delivery mode (OIDC CIBA §4)',
    accepted: [
      {
        grant_types: ['urn:openid:params:grant-type:ciba'],
        backchannel_token_delivery_mode: 'poll',
      },
    ],
    rejected: [{ body: { grant_types: ['urn:openid:params:grant-type:ciba'] }, code: ICM }],
  },
  pingOrPushHasNotificationEndpoint: {
    title: 'ping and push delivery need a notification endpoint (OIDC CIBA §4)',
    accepted: [
      {
        ...web,
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'https://rp.example.com/ciba',
      },
    ],
    rejected: [
      { body: { ...web, backchannel_token_delivery_mode: 'push' }, code: ICM },
      { body: { ...web, backchannel_token_delivery_mode: 'ping' }, code: ICM },
    ],
  },
  notificationEndpointIsHttps: {
    title: 'the CIBA notification endpoint uses https (OIDC CIBA §4)',
    accepted: [{ ...web, backchannel_client_notification_endpoint: 'https://rp.example.com/ciba' }],
    rejected: [
      {
        body: { ...web, backchannel_client_notification_endpoint: 'http://rp.example.com/ciba' },
        code: ICM,
      },
    ],
  },
}

test('every rule in the evaluation list has a table of cases', () => {
  assert.deepEqual(RULES.map(([name]) => name).sort(), Object.keys(CASES).sort())
})

test('every rule names its spec and earns a metadata error code (RFC 7591 §3.2.2)', () => {
  for (const [name, rule] of RULES) {
    assert.match(rule.spec, /(RFC \d+|OIDC|JARM) /, name)
    assert.ok(['invalid_redirect_uri', 'invalid_client_metadata'].includes(rule.code), name)
  }
})

for (const [name, { title, policy = defaultPolicy, accepted, rejected }] of Object.entries(CASES)) {
  describe(`${name}: ${title}`, () => {
    for (const body of accepted) {
      test(`accepts ${JSON.stringify(body)}`, async () => {
        await resolveClientMetadata(body, policy, { now: 0 })
      })
    }
    for (const { body, code } of rejected) {
      test(`rejects ${JSON.stringify(body)} with ${code}`, async () => {
        await assert.rejects(resolveClientMetadata(body, policy, { now: 0 }), (err: unknown) => {
          assert.ok(isOAuthError(err))
          assert.equal(err.code, code)
          assert.equal(err.status, 400)
          assert.match(
            String(err.cause),
            new RegExp(`^${name} `),
            `rejected by ${String(err.cause)}`,
          )
          return true
        })
      })
    }
  })
}

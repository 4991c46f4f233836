/**
 * The table of metadata rule cases (src/metadata/rules/index.ts RULES): for each rule, bodies
 * it accepts and bodies it rejects with their code, and the service they are judged by.
 * The rule tests and the dry-run tests both run it.
 */
import type { AuthleteService, ClientMetadata, Policy } from '../../src/wire/index.js'

const web = { redirect_uris: ['https://rp.example.com/cb'] }
const rsaKey = {
  kty: 'RSA',
  e: 'AQAB',
  n: 'viAfXQLPh7aVwahOXYkOROGKOOHvhPMMru3kIOzSgmpUP5qFpBHXuxsM9vkuoEAw4UUgtWkC5mbVzuBwdTo5uEWelXGmGUbICEn-ubzXd_UWjlfFymc6SlczjoYk9N3UoG_P3viW8ladv2qwvj-Yx-zm27lzv4BwDU7ZNa1ABmovw_ZqrZvTPQi2neRMF4AUQGv_7zwsFb43RbvP7KBt8MYvsZCFO-YPLgAW695Bl7r8C-VbL9TqZ0m1NyY8mnVU3DR4_KBvgreOLz1m_ldn1PKO7M0l1MEq02sHTIHz43mjF_3xw7A4iihmwN5YKAX_pjcq2-sRuuZIIDFZz3nMiQ',
}

export interface RuleCase {
  /** What the rule requires, as a sentence with its section. */
  title: string
  /** The service's settings, when not the defaults. */
  settings?: AuthleteService
  /** The service's policy document, when it has one. */
  document?: Policy
  /**
   * Accepted bodies; each member comes back as sent, or as the second element says where
   * normalisation replaces it (RFC 7591 §3.2.1).
   */
  accepted: (ClientMetadata | [body: ClientMetadata, replaced: ClientMetadata])[]
  rejected: { body: ClientMetadata; code: 'invalid_redirect_uri' | 'invalid_client_metadata' }[]
}

const IRU = 'invalid_redirect_uri'
const ICM = 'invalid_client_metadata'

/** One entry per rule of RULES, by name. */
export const RULE_CASES: Record<string, RuleCase> = {
  someGrantTypeIsSupported: {
    title: 'a grant type the service supports remains (RFC 7591 §2, §3.2.2)',
    settings: { supportedGrantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'] },
    accepted: [
      [
        { ...web, grant_types: ['authorization_code', 'password'] },
        { grant_types: ['authorization_code'] },
      ],
      { ...web, grant_types: ['refresh_token'] },
    ],
    rejected: [
      { body: { ...web, grant_types: ['password', 'client_credentials'] }, code: ICM },
      { body: { ...web, grant_types: ['urn:example:grant'] }, code: ICM },
      // Checked before the redirect URIs: no grant type is the first problem.
      { body: { redirect_uris: ['https://rp.example.com/#f'], grant_types: [] }, code: ICM },
    ],
  },
  redirectUrisAreRfc3986Uris: {
    title: 'a redirect URI matches the RFC 3986 grammar (RFC 6749 §3.1.2, RFC 3986 §3)',
    accepted: [
      { redirect_uris: ['https://rp.example.com/cb?a=%20b&c=d~;x=(1)'] },
      { redirect_uris: ['com.example.app:/oauth2redirect', 'http://[::1]:8080/cb'] },
      { redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'myapp:///cb'] },
    ],
    rejected: [
      { body: { redirect_uris: ['https:\\\\evil.example\\cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com\\@evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb?x=%zz'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb%4'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/"cb"'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/{cb}'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/a|b'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/a^b`c<d>'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/caf\u00e9'] }, code: IRU },
      { body: { redirect_uris: ['https://b\u00fccher.example/cb'] }, code: IRU },
    ],
  },
  redirectUrisHaveNoUserinfo: {
    title: 'a redirect URI has no userinfo (RFC 3986 §3.2.1, §7.6)',
    accepted: [{ redirect_uris: ['https://rp.example.com/cb?next=a@b'] }],
    rejected: [
      { body: { redirect_uris: ['https://good.example@evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://@evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://user:pw@127.0.0.1/cb'] }, code: IRU },
      { body: { redirect_uris: ['cursor://me@anysphere.cursor-mcp/cb'] }, code: IRU },
    ],
  },
  redirectUriHostsArePlain: {
    title:
      'a redirect URI names its host plainly: no wildcard, no numeric shorthand (RFC 9700 §4.1.3)',
    accepted: [
      { redirect_uris: ['https://RP.Example.com/cb', 'https://rp.example.com./cb'] },
      { redirect_uris: ['http://127.0.0.1:4000/cb', 'https://[2001:db8::1]/cb'] },
    ],
    rejected: [
      { body: { redirect_uris: ['https://*.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com*/cb'] }, code: IRU },
      { body: { redirect_uris: ["https://rp.example.com!$&'()+,;=/cb"] }, code: IRU },
      { body: { redirect_uris: ['https://rp%2Eexample.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['https:///cb'] }, code: IRU },
      { body: { redirect_uris: ['https:evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https:a@evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://127.1/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://0x7f.0.0.1/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://2130706433/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://127.000.000.001/cb'] }, code: IRU },
      { body: { redirect_uris: ['myapp://*/cb'] }, code: IRU },
    ],
  },
  redirectUrisPresentWhenRequired: {
    title: 'public and implicit clients must register redirect URIs (RFC 6749 §3.1.2.2)',
    accepted: [
      { client_name: 'My Dynamic Client' },
      { grant_types: ['client_credentials'] },
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
      { body: { redirect_uris: ['view-source:https://rp.example.com/'] }, code: IRU },
      { body: { redirect_uris: ['jar:https://rp.example.com/a.jar!/b.html'] }, code: IRU },
      { body: { redirect_uris: ['filesystem:https://rp.example.com/temporary/x'] }, code: IRU },
      { body: { redirect_uris: ['ws://rp.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['wss://rp.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['ftp://rp.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['mailto:attacker@example.com'] }, code: IRU },
      { body: { redirect_uris: ['tel:+15555550100'] }, code: IRU },
      { body: { redirect_uris: ['sms:+15555550100'] }, code: IRU },
      { body: { redirect_uris: ['ms-settings:privacy'] }, code: IRU },
      { body: { redirect_uris: ['ms-msdt:/id PCWDiagnostic'.replace(' ', '%20')] }, code: IRU },
      { body: { redirect_uris: ['search-ms:query=x'] }, code: IRU },
      { body: { redirect_uris: ['shell:startup'] }, code: IRU },
      { body: { redirect_uris: ['intent://scan/'] }, code: IRU },
      { body: { redirect_uris: ['chrome://settings'] }, code: IRU },
      {
        body: { redirect_uris: ['https://rp.example.com/cb', 'com.example.app:/cb', 'tel:1'] },
        code: IRU,
      },
    ],
  },
  httpRedirectIsLoopback: {
    title: 'plain http redirects are loopback only (RFC 8252 §7.3)',
    accepted: [
      { redirect_uris: ['http://127.0.0.1/', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'] },
      [
        { redirect_uris: ['http://localhost/cb'], application_type: 'web' },
        { application_type: 'native' },
      ],
      { redirect_uris: ['https://vscode.dev/redirect'], application_type: 'native' },
    ],
    rejected: [
      { body: { redirect_uris: ['http://rp.example.com/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://192.168.1.2/cb'], application_type: 'native' }, code: IRU },
      { body: { redirect_uris: ['http://localhost.evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://127.0.0.1/cb', 'http://rp.example.com/cb'] }, code: IRU },
    ],
  },
  implicitWebClientUsesHttpsRedirects: {
    title: 'a web client of the implicit grant has https redirects, never localhost (OIDC DCR §2)',
    accepted: [
      { ...web, grant_types: ['implicit'], response_types: ['id_token'] },
      {
        redirect_uris: ['http://localhost/cb'],
        grant_types: ['implicit'],
        response_types: ['token'],
      },
      {
        redirect_uris: ['https://rp.example.com/cb', 'http://localhost/cb'],
        application_type: 'native',
        grant_types: ['implicit'],
        response_types: ['token'],
      },
    ],
    rejected: [
      {
        body: {
          redirect_uris: ['https://rp.example.com/cb', 'http://localhost/cb'],
          grant_types: ['implicit'],
          response_types: ['token'],
        },
        code: IRU,
      },
      {
        body: {
          redirect_uris: ['https://localhost/cb'],
          grant_types: ['implicit'],
          response_types: ['id_token'],
        },
        code: IRU,
      },
      {
        body: {
          redirect_uris: ['https://127.0.0.1/cb'],
          application_type: 'web',
          grant_types: ['implicit', 'authorization_code'],
          response_types: ['code id_token'],
        },
        code: IRU,
      },
      {
        body: {
          redirect_uris: ['https://rp.example.com/cb', 'com.example.app:/cb'],
          grant_types: ['implicit'],
          response_types: ['token'],
        },
        code: IRU,
      },
    ],
  },
  urisAreRfc3986Uris: {
    title: 'every other URI member matches the RFC 3986 grammar (RFC 7591 §2, RFC 3986 §3)',
    accepted: [
      {
        ...web,
        client_uri: 'https://rp.example.com/?a=%41',
        'logo_uri#ja': 'https://rp.example.com/l.png',
        post_logout_redirect_uris: ['https://rp.example.com/bye?x=1&y=2'],
      },
    ],
    rejected: [
      { body: { ...web, client_uri: 'https://rp.example.com/{x}' }, code: ICM },
      { body: { ...web, jwks_uri: 'https:\\\\rp.example.com\\jwks' }, code: ICM },
      { body: { ...web, 'logo_uri#ja': 'https://rp.example.com/l|.png' }, code: ICM },
      { body: { ...web, request_uris: ['https://rp.example.com/r%zz'] }, code: ICM },
      { body: { ...web, post_logout_redirect_uris: ['https://rp.example.com/"bye"'] }, code: ICM },
      { body: { ...web, initiate_login_uri: 'https://rp.example.com/caf\u00e9' }, code: ICM },
    ],
  },
  urisHaveNoUserinfo: {
    title: 'every other URI member has no userinfo (RFC 3986 §3.2.1)',
    accepted: [{ ...web, policy_uri: 'https://rp.example.com/p?from=a@b' }],
    rejected: [
      { body: { ...web, policy_uri: 'https://rp.example.com@evil.example/p' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://u:p@rp.example.com/jwks' }, code: ICM },
    ],
  },
  uriHostsArePlain: {
    title: 'every other URI member names its host plainly (RFC 3986 §3.2.2)',
    accepted: [{ ...web, tos_uri: 'https://Rp.Example.com/tos' }],
    rejected: [
      { body: { ...web, tos_uri: 'https://*.example.com/tos' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://127.1/jwks' }, code: ICM },
      { body: { ...web, sector_identifier_uri: 'https:///s.json' }, code: ICM },
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
  jwksUriIsHttps: {
    title: 'jwks_uri uses https (RFC 7517 §9.1)',
    accepted: [{ ...web, jwks_uri: 'https://rp.example.com/jwks' }],
    rejected: [{ body: { ...web, jwks_uri: 'http://rp.example.com/jwks' }, code: ICM }],
  },
  fetchedUrisArePublic: {
    title: 'URIs the server fetches do not point into private networks (RFC 9101 §10.4)',
    accepted: [
      {
        ...web,
        jwks_uri: 'https://93.184.216.34/jwks',
        logo_uri: 'https://100.63.255.255/l.png',
        sector_identifier_uri: 'https://172.32.0.1/s.json',
        request_uris: ['https://[2001:db8::1]/r'],
      },
      { ...web, client_uri: 'http://127.0.0.1/', policy_uri: 'https://10.0.0.1/p' },
    ],
    rejected: [
      { body: { ...web, jwks_uri: 'https://127.0.0.1/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://localhost/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://keys.localhost/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[::1]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[::ffff:127.0.0.1]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[::ffff:a00:1]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[fd00::1]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[fe80::1]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://[::]/jwks' }, code: ICM },
      { body: { ...web, jwks_uri: 'https://0.0.0.0/jwks' }, code: ICM },
      { body: { ...web, sector_identifier_uri: 'https://10.1.2.3/s.json' }, code: ICM },
      { body: { ...web, request_uris: ['https://169.254.169.254/latest/meta-data'] }, code: ICM },
      { body: { ...web, logo_uri: 'https://192.168.0.1/l.png' }, code: ICM },
      { body: { ...web, 'logo_uri#ja': 'https://172.16.0.1/l.png' }, code: ICM },
      { body: { ...web, logo_uri: 'https://100.64.0.1/l.png' }, code: ICM },
      { body: { ...web, backchannel_logout_uri: 'https://127.0.0.2/logout' }, code: ICM },
      {
        body: { ...web, backchannel_client_notification_endpoint: 'https://10.0.0.1/ciba' },
        code: ICM,
      },
    ],
  },
  postLogoutRedirectUriSchemeIsNotDangerous: {
    title: 'post-logout redirect URIs never use a dangerous scheme (OIDC RP-Initiated Logout §3.1)',
    accepted: [{ ...web, post_logout_redirect_uris: ['https://rp.example.com/bye'] }],
    rejected: [
      { body: { ...web, post_logout_redirect_uris: ['javascript:alert(1)'] }, code: ICM },
      { body: { ...web, post_logout_redirect_uris: ['ms-settings:privacy'] }, code: ICM },
    ],
  },
  publicClientHasNoClientCredentials: {
    title:
      'a public client has no client_credentials grant when nothing else remains (RFC 6749 §4.4)',
    accepted: [
      { grant_types: ['client_credentials'] },
      [
        {
          ...web,
          token_endpoint_auth_method: 'none',
          grant_types: ['client_credentials', 'authorization_code'],
        },
        { grant_types: ['authorization_code'] },
      ],
    ],
    rejected: [
      {
        body: { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
        code: ICM,
      },
      {
        body: {
          grant_types: ['client_credentials', 'refresh_token'],
          token_endpoint_auth_method: 'none',
        },
        code: ICM,
      },
    ],
  },
  tokenEndpointAuthMethodIsSupported: {
    title: 'the auth method is one the service supports (RFC 7591 §2)',
    settings: { supportedTokenAuthMethods: ['NONE', 'CLIENT_SECRET_BASIC'] },
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
    settings: { supportedScopes: [{ name: 'openid' }, { name: 'profile' }] },
    accepted: [{ ...web, scope: 'openid profile' }, [{ ...web, scope: '' }, { scope: undefined }]],
    rejected: [{ body: { ...web, scope: 'openid claudeai' }, code: ICM }],
  },
  scopeIsAllowedOnProbation: {
    title: 'an anonymous client on probation asks only for its scopes (policy.probation.scopes)',
    document: { probation: { lifetimeSeconds: 3600, scopes: ['mcp:read', 'openid'] } },
    accepted: [
      { ...web, scope: 'openid mcp:read' },
      // Asking for none gets the probation scopes, not every scope of the service.
      [web, { scope: 'mcp:read openid' }],
    ],
    rejected: [
      { body: { ...web, scope: 'openid mcp:write' }, code: ICM },
      { body: { ...web, scope: 'admin' }, code: ICM },
    ],
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
      [{ ...web, default_max_age: 0 }, { default_max_age: undefined }],
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
  loopbackRedirectIsAllowed: {
    title: 'no loopback redirect when the policy turns them off (policy.redirectUris.loopback)',
    document: { redirectUris: { loopback: false } },
    accepted: [web, { redirect_uris: ['com.example.app:/cb'] }],
    rejected: [
      { body: { redirect_uris: ['http://127.0.0.1:33418/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb', 'http://localhost/cb'] }, code: IRU },
      { body: { redirect_uris: ['http://[::1]/cb'] }, code: IRU },
    ],
  },
  redirectUriSchemeIsAllowed: {
    title: 'every redirect URI uses a scheme the policy lists (policy.redirectUris.schemes)',
    document: { redirectUris: { schemes: ['https', 'HTTP', 'cursor'] } },
    accepted: [
      web,
      { redirect_uris: ['http://127.0.0.1/cb', 'cursor://anysphere.cursor-mcp/cb'] },
      { redirect_uris: ['CURSOR://anysphere.cursor-mcp/cb'] },
    ],
    rejected: [
      { body: { redirect_uris: ['com.example.app:/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb', 'vscode://cb'] }, code: IRU },
    ],
  },
  redirectUriHostIsAllowed: {
    title: 'every web redirect names a host the policy lists (policy.redirectUris.hosts)',
    document: { redirectUris: { hosts: ['rp.example.com', '*.apps.example'] } },
    accepted: [
      web,
      { redirect_uris: ['https://a.apps.example/cb', 'https://b.c.apps.example:8443/cb'] },
      // Loopback and private-use redirects are governed by their own switches.
      { redirect_uris: ['http://127.0.0.1:9/cb', 'com.example.app:/cb'] },
    ],
    rejected: [
      { body: { redirect_uris: ['https://apps.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://evilapps.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com.evil.example/cb'] }, code: IRU },
      { body: { redirect_uris: ['https://rp.example.com/cb', 'https://x.example/cb'] }, code: IRU },
    ],
  },
  signingAlgorithmIsAllowed: {
    title: 'every signing member names an algorithm the policy lists (policy.signingAlgorithms)',
    document: { signingAlgorithms: ['PS256', 'ES256', 'EdDSA'] },
    accepted: [
      // The id_token default follows the policy when RS256 is not on it.
      [web, { id_token_signed_response_alg: 'PS256' }],
      { ...web, request_object_signing_alg: 'ES256', userinfo_signed_response_alg: 'EdDSA' },
    ],
    rejected: [
      { body: { ...web, id_token_signed_response_alg: 'RS256' }, code: ICM },
      { body: { ...web, request_object_signing_alg: 'HS256' }, code: ICM },
    ],
  },
  requiredMembersArePresent: {
    title: 'every member the policy requires is registered (policy.requiredMembers)',
    document: { requiredMembers: ['contacts', 'logo_uri'] },
    accepted: [
      { ...web, contacts: ['ops@rp.example.com'], logo_uri: 'https://rp.example.com/logo.png' },
    ],
    rejected: [
      { body: web, code: ICM },
      { body: { ...web, contacts: [], logo_uri: 'https://rp.example.com/l.png' }, code: ICM },
      { body: { ...web, contacts: ['ops@rp.example.com'] }, code: ICM },
    ],
  },
  accessTokensAreSenderConstrained: {
    title: 'access tokens are DPoP- or certificate-bound (policy.senderConstrainedTokens)',
    document: { senderConstrainedTokens: true },
    accepted: [
      { ...web, dpop_bound_access_tokens: true },
      { ...web, tls_client_certificate_bound_access_tokens: true },
    ],
    rejected: [
      { body: web, code: ICM },
      { body: { ...web, dpop_bound_access_tokens: false }, code: ICM },
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

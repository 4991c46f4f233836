/**
 * A service's registration policy: what its Authlete settings and its policy document
 * (wire/policy.ts) allow, in protocol spelling. An absent supported-list means every value
 * Registrar knows (vocabulary.ts); a list, even an empty one, means exactly the values it names.
 * Where the settings and the document both speak, the stricter holds.
 */
import {
  DEFAULT_MAX_CLIENTS,
  type AuthleteService,
  type Policy,
  type PolicyRuleSet,
  type Probation,
  type TrustedIssuer,
} from '../wire/index.js'
import {
  GRANT_TYPES,
  RESPONSE_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  normaliseResponseType,
  type Vocabulary,
} from './vocabulary.js'

/** What a service allows, in protocol spelling, derived from its settings. */
export interface RegistrationPolicy {
  grantTypes: readonly string[]
  /** Normalised: the words of each value sorted ("code id_token"). */
  responseTypes: readonly string[]
  tokenEndpointAuthMethods: readonly string[]
  /** The scope allow-list; undefined means none (any scope), empty means no scope at all. */
  scopes: readonly string[] | undefined
  /** Member names kept and echoed as custom metadata (Authlete supportedCustomClientMetadata). */
  customMetadata: readonly string[]
  /** Issuers whose software statements are verified and applied (RFC 7591 §2.3). */
  trustedIssuers: readonly TrustedIssuer[]
  /** Whether fetched URIs may point into private networks (Registrar's allowPrivateNetworkUris). */
  allowPrivateNetworkUris: boolean
  /** Allowed redirect URI schemes, without ':'; undefined means any the rules accept. */
  redirectSchemes: readonly string[] | undefined
  /** Allowed http(s) redirect hosts, `*.example.com` for subdomains; undefined means any. */
  redirectHosts: readonly string[] | undefined
  /** Whether RFC 8252 §7.3 loopback redirects are allowed. */
  loopbackRedirects: boolean
  /** Allowed JWS algorithms of the signing members; undefined means every known one. */
  signingAlgorithms: readonly string[] | undefined
  /** The scope given to a client that asks for none. */
  defaultScope: string | undefined
  /** Members every registration must carry. */
  requiredMembers: readonly string[]
  /** Members the server sets whatever the request says (RFC 7591 §3.2.1). */
  forcedMembers: Readonly<Record<string, unknown>>
  /** Whether access tokens must be sender-constrained (RFC 9449 §5.2, RFC 8705 §3.4). */
  senderConstrainedTokens: boolean
  /** Whether every registration needs an initial access token (RFC 7591 §3). */
  initialAccessTokenRequired: boolean
  /** PKCE (RFC 7636) required of every client registered, and whether only S256. */
  pkce: 'required' | 'S256' | undefined
  /** The most clients the service may hold. */
  maxClients: number
  /** The most clients one software_id may hold; undefined means no limit. */
  maxClientsPerSoftwareId: number | undefined
  /** The most clients one initial access token may register; undefined means no limit. */
  maxClientsPerInitialAccessToken: number | undefined
  /** The most clients one developer may hold (Authlete's clientsPerDeveloper); undefined: none. */
  clientsPerDeveloper: number | undefined
  /**
   * The probation tier (wire/policy.ts): set on the anonymous policy only, when the document
   * has one. Its clients expire `lifetimeSeconds` after creation; `scopes` narrows their scope.
   */
  probation: Probation | undefined
  /**
   * The policy of a registration made with neither an initial access token nor a trusted
   * software statement, when the document has rules of its own for those; else this one.
   */
  anonymous: RegistrationPolicy | undefined
}

/**
 * Protocol values of a supported-list given as Authlete enum names (protocol spellings are
 * accepted too). Names with no known value are skipped. No list means every known value; an
 * empty list means none: a service that lists nothing supports nothing.
 */
function supported(list: unknown, vocabulary: Vocabulary, normalise = (v: string) => v): string[] {
  if (!Array.isArray(list)) return [...vocabulary.values]
  const values = list
    .filter((item): item is string => typeof item === 'string')
    .map((item) => vocabulary.fromAuthlete(item) ?? normalise(item))
    .filter((value) => vocabulary.toAuthlete(value) !== undefined)
  return [...new Set(values)]
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
}

/** The values both lists allow; a list that is absent allows every value of the other. */
function stricter(
  current: readonly string[] | undefined,
  narrowing: readonly string[] | undefined,
  normalise = (value: string) => value,
): readonly string[] | undefined {
  if (narrowing === undefined) return current
  const narrowed = [...new Set(narrowing.map(normalise))]
  return current === undefined ? narrowed : narrowed.filter((value) => current.includes(value))
}

/** A policy narrowed by one rule set of a policy document: each rule is the stricter. */
function narrowed(policy: RegistrationPolicy, rules: PolicyRuleSet): RegistrationPolicy {
  const only = (list: readonly string[], narrowing: readonly string[] | undefined) =>
    stricter(list, narrowing) as readonly string[]
  return {
    ...policy,
    grantTypes: only(policy.grantTypes, rules.grantTypes),
    responseTypes: stricter(
      policy.responseTypes,
      rules.responseTypes,
      normaliseResponseType,
    ) as readonly string[],
    tokenEndpointAuthMethods: only(policy.tokenEndpointAuthMethods, rules.tokenEndpointAuthMethods),
    scopes: stricter(policy.scopes, rules.scopes),
    redirectSchemes: stricter(policy.redirectSchemes, rules.redirectUris?.schemes, lowerCase),
    redirectHosts: stricter(policy.redirectHosts, rules.redirectUris?.hosts, lowerCase),
    loopbackRedirects: policy.loopbackRedirects && rules.redirectUris?.loopback !== false,
    signingAlgorithms: stricter(policy.signingAlgorithms, rules.signingAlgorithms),
    defaultScope: rules.defaultScope ?? policy.defaultScope,
    requiredMembers: [...new Set([...policy.requiredMembers, ...(rules.requiredMembers ?? [])])],
    forcedMembers: { ...policy.forcedMembers, ...rules.forcedMembers },
    senderConstrainedTokens:
      policy.senderConstrainedTokens || rules.senderConstrainedTokens === true,
    anonymous: undefined,
  }
}

const lowerCase = (value: string) => value.toLowerCase()

/**
 * Derives the registration policy from a service's settings and policy document.
 * @see RFC 7591 §3.2.2 (the server decides which values it accepts), Authlete's API
 */
export function policyOf(settings: AuthleteService, document: Policy = {}): RegistrationPolicy {
  const policy = narrowed(settingsPolicy(settings), document)
  policy.maxClients = document.maxClients ?? DEFAULT_MAX_CLIENTS
  policy.initialAccessTokenRequired ||= document.initialAccessTokenRequired === true
  policy.pkce = document.pkce
  policy.maxClientsPerSoftwareId = document.maxClientsPerSoftwareId
  policy.maxClientsPerInitialAccessToken = document.maxClientsPerInitialAccessToken
  if (document.anonymous !== undefined) policy.anonymous = narrowed(policy, document.anonymous)
  if (document.probation !== undefined) {
    policy.anonymous = onProbation(policy.anonymous ?? policy, document.probation)
  }
  return policy
}

/**
 * Anonymous rules with the probation tier. A client that asks for no scope would be able to
 * ask the authorization server for any (no requestable scopes), so it gets the probation
 * scopes the service allows, unless a default scope is set (RFC 6749 §3.3 lets the server).
 */
function onProbation(policy: RegistrationPolicy, probation: Probation): RegistrationPolicy {
  const allowed = probation.scopes?.filter((scope) => policy.scopes?.includes(scope) ?? true)
  return {
    ...policy,
    defaultScope: policy.defaultScope ?? (allowed?.join(' ') || undefined),
    probation,
    anonymous: undefined,
  }
}

/** What the service's settings alone allow. */
function settingsPolicy(settings: AuthleteService): RegistrationPolicy {
  const scopes = settings.supportedScopes
  return {
    grantTypes: supported(settings.supportedGrantTypes, GRANT_TYPES),
    responseTypes: supported(
      settings.supportedResponseTypes,
      RESPONSE_TYPES,
      normaliseResponseType,
    ),
    tokenEndpointAuthMethods: supported(
      settings.supportedTokenAuthMethods,
      TOKEN_ENDPOINT_AUTH_METHODS,
    ),
    scopes: Array.isArray(scopes)
      ? strings(scopes.map((scope) => (scope as { name?: unknown } | null)?.name))
      : undefined,
    customMetadata: strings(settings.supportedCustomClientMetadata),
    trustedIssuers: Array.isArray(settings.trustedSoftwareStatementIssuers)
      ? settings.trustedSoftwareStatementIssuers
      : [],
    allowPrivateNetworkUris: settings.allowPrivateNetworkUris === true,
    redirectSchemes: undefined,
    redirectHosts: undefined,
    loopbackRedirects: true,
    signingAlgorithms: undefined,
    defaultScope: undefined,
    requiredMembers: [],
    forcedMembers: {},
    senderConstrainedTokens: false,
    initialAccessTokenRequired: settings.initialAccessTokenRequired === true,
    pkce: undefined,
    maxClients: DEFAULT_MAX_CLIENTS,
    maxClientsPerSoftwareId: undefined,
    maxClientsPerInitialAccessToken: undefined,
    // Authlete's 0 means no limit; DCR clients count as developer authlete_<apiKey>.
    clientsPerDeveloper: positive(settings.clientsPerDeveloper),
    probation: undefined,
    anonymous: undefined,
  }
}

/**
 * The rules a registration is held to: the anonymous ones when it came with neither an
 * initial access token nor a trusted software statement (Keycloak's anonymous / authenticated
 * split), else the policy's own.
 */
export function rulesFor(policy: RegistrationPolicy, trusted: boolean): RegistrationPolicy {
  return trusted ? policy : (policy.anonymous ?? policy)
}

/** The policy of a service with default settings: everything known, no lists, no issuers. */
export const DEFAULT_POLICY: RegistrationPolicy = policyOf({})

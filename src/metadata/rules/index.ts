/**
 * Every metadata rule, in evaluation order: the conformance table of contents. Every problem
 * is reported in this order and the first one's code answers, so answers are deterministic.
 * Whether any grant type is left comes first:
 * without one the rest describes a client that can get no token. Redirect URIs come next, as
 * their code (invalid_redirect_uri) is the most specific.
 * @see RFC 7591 §2, §3.2.2
 */
import type { ClientMetadata } from '../../wire/index.js'
import type { RegistrationPolicy } from '../policy.js'
import * as algorithms from './algorithms.js'
import * as authMethod from './auth-method.js'
import * as ciba from './ciba.js'
import * as grantTypes from './grant-types.js'
import * as oidc from './oidc.js'
import * as policy from './policy.js'
import * as redirectUris from './redirect-uris.js'
import type { MetadataErrorCode, Problem, Rule } from './rule.js'
import * as scope from './scope.js'
import * as uriSyntax from './uri-syntax.js'
import * as uris from './uris.js'

export type { MetadataErrorCode, Problem, Rule } from './rule.js'

/** The rules in evaluation order. */
export const RULES: readonly (readonly [name: string, rule: Rule])[] = Object.entries({
  // RFC 7591 §2, §3.2.2: a grant type the service supports remains
  someGrantTypeIsSupported: grantTypes.someGrantTypeIsSupported,
  // RFC 3986 §3: every URI is one, read alike by every parser (redirect URIs first)
  redirectUrisAreRfc3986Uris: uriSyntax.redirectUrisAreRfc3986Uris,
  redirectUrisHaveNoUserinfo: uriSyntax.redirectUrisHaveNoUserinfo,
  redirectUriHostsArePlain: uriSyntax.redirectUriHostsArePlain,
  // RFC 6749 §3.1.2, RFC 7591 §2, RFC 8252 §7
  redirectUrisPresentWhenRequired: redirectUris.redirectUrisPresentWhenRequired,
  redirectUriHasNoFragment: redirectUris.redirectUriHasNoFragment,
  redirectUriSchemeIsNotDangerous: redirectUris.redirectUriSchemeIsNotDangerous,
  httpRedirectIsLoopback: redirectUris.httpRedirectIsLoopback,
  implicitWebClientUsesHttpsRedirects: redirectUris.implicitWebClientUsesHttpsRedirects,
  // The service's policy document: which redirects it takes
  loopbackRedirectIsAllowed: policy.loopbackRedirectIsAllowed,
  redirectUriSchemeIsAllowed: policy.redirectUriSchemeIsAllowed,
  redirectUriHostIsAllowed: policy.redirectUriHostIsAllowed,
  // Other URIs: RFC 3986 §3, RFC 7591 §2, OIDC DCR §2
  urisAreRfc3986Uris: uriSyntax.urisAreRfc3986Uris,
  urisHaveNoUserinfo: uriSyntax.urisHaveNoUserinfo,
  uriHostsArePlain: uriSyntax.uriHostsArePlain,
  webUrisUseHttp: uris.webUrisUseHttp,
  sectorIdentifierUriIsHttps: uris.sectorIdentifierUriIsHttps,
  initiateLoginUriIsHttps: uris.initiateLoginUriIsHttps,
  requestUrisAreHttps: uris.requestUrisAreHttps,
  jwksUriIsHttps: uris.jwksUriIsHttps,
  fetchedUrisArePublic: uris.fetchedUrisArePublic,
  postLogoutRedirectUriSchemeIsNotDangerous: uris.postLogoutRedirectUriSchemeIsNotDangerous,
  // Grant types: RFC 6749 §4.4
  publicClientHasNoClientCredentials: grantTypes.publicClientHasNoClientCredentials,
  // Client authentication: RFC 7591 §2, RFC 8705 §2.1.2
  tokenEndpointAuthMethodIsSupported: authMethod.tokenEndpointAuthMethodIsSupported,
  jwksAndJwksUriAreExclusive: authMethod.jwksAndJwksUriAreExclusive,
  tlsClientAuthHasOneSubject: authMethod.tlsClientAuthHasOneSubject,
  // Scope: RFC 6749 §3.3
  scopeTokensAreWellFormed: scope.scopeTokensAreWellFormed,
  scopeIsAllowed: scope.scopeIsAllowed,
  scopeIsAllowedOnProbation: scope.scopeIsAllowedOnProbation,
  // JOSE algorithms: RFC 7518, OIDC DCR §2
  signingAlgorithmsAreKnown: algorithms.signingAlgorithmsAreKnown,
  signingAlgorithmIsAllowed: policy.signingAlgorithmIsAllowed,
  encryptionAlgorithmsAreKnown: algorithms.encryptionAlgorithmsAreKnown,
  encryptionEncodingsAreKnown: algorithms.encryptionEncodingsAreKnown,
  encryptionEncRequiresAlg: algorithms.encryptionEncRequiresAlg,
  tokenEndpointAuthSigningAlgIsNotNone: algorithms.tokenEndpointAuthSigningAlgIsNotNone,
  idTokenSigningAlgIsNoneOnlyWithoutIdToken: algorithms.idTokenSigningAlgIsNoneOnlyWithoutIdToken,
  authorizationSigningAlgIsNotNone: algorithms.authorizationSigningAlgIsNotNone,
  backchannelRequestSigningAlgIsNotNone: algorithms.backchannelRequestSigningAlgIsNotNone,
  publicClientUsesNoSymmetricAlgorithm: authMethod.publicClientUsesNoSymmetricAlgorithm,
  // OIDC Core §8.1, OIDC DCR §2
  pairwiseWithSeveralRedirectHostsHasSectorIdentifier:
    oidc.pairwiseWithSeveralRedirectHostsHasSectorIdentifier,
  defaultMaxAgeIsNotNegative: oidc.defaultMaxAgeIsNotNegative,
  // OIDC CIBA §4
  cibaClientHasDeliveryMode: ciba.cibaClientHasDeliveryMode,
  pingOrPushHasNotificationEndpoint: ciba.pingOrPushHasNotificationEndpoint,
  notificationEndpointIsHttps: ciba.notificationEndpointIsHttps,
  // The service's policy document: what every registration must carry
  requiredMembersArePresent: policy.requiredMembersArePresent,
  accessTokensAreSenderConstrained: policy.accessTokensAreSenderConstrained,
})

/** A problem with the rule that found it. */
export interface RuleProblem extends Problem {
  /** The rule's name in RULES. */
  rule: string
  spec: string
  code: MetadataErrorCode
}

/**
 * Runs every rule in order and returns every problem, in rule order; undefined when every
 * rule is satisfied (nothing is allocated then).
 * @see RFC 7591 §3.2.2
 */
export function checkRules(
  metadata: ClientMetadata,
  policy: RegistrationPolicy,
): RuleProblem[] | undefined {
  let found: RuleProblem[] | undefined
  for (const [name, rule] of RULES) {
    const problems = rule.check(metadata, policy)
    if (problems === undefined) continue
    found ??= []
    for (const problem of problems) {
      found.push({ ...problem, rule: name, spec: rule.spec, code: rule.code })
    }
  }
  return found
}

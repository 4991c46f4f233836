/**
 * OpenID Connect rules on subject identifiers and authentication age.
 * @see OIDC Core §8.1, OIDC DCR §2
 */
import { uriParts } from '../redirect-uris.js'
import { problemAt, type Rule } from './rule.js'

/**
 * "If there are multiple hostnames in the registered redirect_uris, the Client MUST register a
 * sector_identifier_uri" for pairwise subject identifiers.
 */
export const pairwiseWithSeveralRedirectHostsHasSectorIdentifier: Rule = {
  spec: 'OIDC Core §8.1',
  code: 'invalid_client_metadata',
  check: ({ subject_type, sector_identifier_uri, redirect_uris = [] }) => {
    if (subject_type !== 'pairwise' || sector_identifier_uri !== undefined) return undefined
    const hosts = new Set(redirect_uris.map((uri) => uriParts(uri)?.host))
    return hosts.size > 1
      ? problemAt(
          'sector_identifier_uri',
          'sector_identifier_uri is required for a pairwise client whose redirect_uris have several hosts',
        )
      : undefined
  },
}

/** default_max_age is a number of seconds. */
export const defaultMaxAgeIsNotNegative: Rule = {
  spec: 'OIDC DCR §2',
  code: 'invalid_client_metadata',
  check: ({ default_max_age }) =>
    default_max_age !== undefined && default_max_age < 0
      ? problemAt('default_max_age', 'default_max_age must be a non-negative number of seconds')
      : undefined,
}

/**
 * URI syntax rules: every URI member is a URI as RFC 3986 defines it, carries no userinfo and
 * names its host plainly, so the server, browsers and apps agree on where it points. Redirect
 * URIs earn invalid_redirect_uri, every other URI member invalid_client_metadata.
 * @see RFC 3986 §3, §7.6, RFC 6749 §3.1.2, RFC 7591 §2, RFC 9700 §4.1
 */
import type { ClientMetadata } from '../../wire/index.js'
import { FIELDS, fieldOf, type Field } from '../fields.js'
import { uriParts } from '../redirect-uris.js'
import { withProblem, type Problem, type Rule } from './rule.js'

/** Why one URI fails a check, or undefined. */
type UriCheck = (uri: string) => string | undefined

const isRfc3986Uri: UriCheck = (uri) =>
  uriParts(uri)?.rfc3986 === undefined
    ? 'must be a URI as RFC 3986 defines it (no backslash, space, quote, brace, "|" or bad percent-encoding)'
    : undefined

/** `https://good.example@evil.example/` reads as good.example to people and evil.example to code. */
const hasNoUserinfo: UriCheck = (uri) =>
  uriParts(uri)?.rfc3986?.userinfo === undefined
    ? undefined
    : 'must not have userinfo (a "user@" before the host)'

/** hostProblem (uri-syntax.ts), judged once per URI when it is parsed (uriParts). */
const hasPlainHost: UriCheck = (uri) => uriParts(uri)?.hostProblem

/** Adds a problem for each URI of a member's value (a URI or a list of them) failing the check. */
function addUriProblems(
  problems: Problem[] | undefined,
  name: string,
  value: unknown,
  check: UriCheck,
): Problem[] | undefined {
  if (typeof value === 'string') {
    const problem = check(value)
    return problem === undefined
      ? problems
      : withProblem(problems, { member: name, description: `${name} ${problem}: ${value}` })
  }
  if (!Array.isArray(value)) return problems
  for (let index = 0; index < value.length; index++) {
    const uri: unknown = value[index]
    if (typeof uri !== 'string') continue
    const problem = check(uri)
    if (problem !== undefined) {
      problems = withProblem(problems, {
        member: name,
        index,
        description: `${name} ${problem}: ${uri}`,
      })
    }
  }
  return problems
}

const isUriField = (field: Field | undefined) => field?.kind === 'uri' || field?.kind === 'uri-list'

/** The untagged URI members but redirect_uris, looked up without fieldOf on the hot path. */
const OTHER_URI_MEMBERS: ReadonlySet<string> = new Set(
  Object.keys(FIELDS).filter((name) => name !== 'redirect_uris' && isUriField(FIELDS[name])),
)

/** Whether a member is a URI member other than redirect_uris, language-tagged ones included. */
const isOtherUriMember = (name: string) =>
  OTHER_URI_MEMBERS.has(name) || (name.includes('#') && isUriField(fieldOf(name)))

/** Every member other than redirect_uris whose field is a URI or a URI list, tagged ones too. */
function otherUriMembers(metadata: ClientMetadata, check: UriCheck): Problem[] | undefined {
  let problems: Problem[] | undefined
  for (const name of Object.keys(metadata)) {
    if (isOtherUriMember(name)) problems = addUriProblems(problems, name, metadata[name], check)
  }
  return problems
}

function redirectRule(spec: string, check: UriCheck): Rule {
  return {
    spec,
    code: 'invalid_redirect_uri',
    check: ({ redirect_uris }) => addUriProblems(undefined, 'redirect_uris', redirect_uris, check),
  }
}

function otherUrisRule(spec: string, check: UriCheck): Rule {
  return {
    spec,
    code: 'invalid_client_metadata',
    check: (metadata) => otherUriMembers(metadata, check),
  }
}

/** "The redirection endpoint URI MUST be an absolute URI as defined by [RFC3986] Section 4.3." */
export const redirectUrisAreRfc3986Uris = redirectRule('RFC 6749 §3.1.2; RFC 3986 §3', isRfc3986Uri)

/** Userinfo in a redirect URI is a phishing device; RFC 3986 deprecates passwords in it. */
export const redirectUrisHaveNoUserinfo = redirectRule('RFC 3986 §3.2.1, §7.6', hasNoUserinfo)

/** Redirect URIs are matched as exact strings, never as patterns: no `*` in the host. */
export const redirectUriHostsArePlain = redirectRule(
  'RFC 9700 §4.1.3; RFC 3986 §3.2.2',
  hasPlainHost,
)

/** Every other URI member (RFC 7591 §2 "URL", OIDC DCR §2) is an RFC 3986 URI too. */
export const urisAreRfc3986Uris = otherUrisRule('RFC 7591 §2; RFC 3986 §3', isRfc3986Uri)

/** Display and fetched URIs carry no userinfo, for the same reason as redirect URIs. */
export const urisHaveNoUserinfo = otherUrisRule('RFC 3986 §3.2.1, §7.6', hasNoUserinfo)

/** Display and fetched URIs name their host plainly. */
export const uriHostsArePlain = otherUrisRule('RFC 3986 §3.2.2; RFC 9110 §4.2.1', hasPlainHost)

/**
 * Client metadata rules (RFC 7591 §2, OIDC DCR §2, RFC 8252): the public face of
 * src/metadata. Pure: no I/O but the JOSE work of software statements.
 */
export { policyOf, rulesFor, type RegistrationPolicy } from './policy.js'
export { policyDocumentProblem } from './policy-document.js'
export { resolveClientMetadata, type ResolveOptions } from './resolve.js'
export { notJson, notJsonObject, unstorableMetadata } from './violations.js'
export { substitutionsOf } from './substitutions.js'
export { clientMetadataToAuthlete, authleteToClientMetadata } from './authlete-mapping.js'
export { needsSecret } from './client-type.js'
export { isPrivateNetworkHost } from './private-network.js'

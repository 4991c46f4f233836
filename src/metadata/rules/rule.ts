/**
 * The shape of a metadata rule: one spec sentence, the error code it earns, and a check that
 * describes the problem or returns nothing. Rules see the effective metadata (defaults applied)
 * and the service's policy.
 */
import type { ClientMetadata, METADATA_ERROR_CODES } from '../../wire/index.js'
import type { RegistrationPolicy } from '../policy.js'

/** The codes a metadata problem can earn (RFC 7591 §3.2.2). */
export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number]

/** @see RFC 7591 §3.2.2 */
export interface Rule {
  /** Where the requirement comes from, e.g. `RFC 7591 §2`. */
  spec: string
  code: MetadataErrorCode
  /** A description of the problem naming the field, or undefined when satisfied. */
  check: (metadata: ClientMetadata, policy: RegistrationPolicy) => string | undefined
}

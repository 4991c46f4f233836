/**
 * What the server changed of a request, for a dry run to show: members it defaulted,
 * replaced (normalised, narrowed, or asserted by a software statement) or dropped (unknown,
 * server-managed, or meaning nothing, such as `false` flags and empty lists). A null member
 * means absent (RFC 7591 §2), so dropping it changes nothing.
 * @see RFC 7591 §3.2.1 (the server may replace requested values);
 *   README, "Explained rejections and dry run"
 */
import { isDeepStrictEqual } from 'node:util'
import { escapeToken, type ClientMetadata, type Substitution } from '../wire/index.js'

const isAbsent = (value: unknown) => value === undefined || value === null

/** The substitutions, the request's members first in their order, then the defaulted ones. */
export function substitutionsOf(
  request: Record<string, unknown>,
  effective: ClientMetadata,
): Substitution[] {
  const substitutions: Substitution[] = []
  const add = (member: string, change: Substitution['change']) =>
    substitutions.push({ pointer: `/${escapeToken(member)}`, change })
  for (const member of Object.keys(request)) {
    if (isAbsent(request[member])) continue
    if (!Object.hasOwn(effective, member)) add(member, 'dropped')
    else if (!isDeepStrictEqual(request[member], effective[member])) add(member, 'replaced')
  }
  for (const member of Object.keys(effective)) {
    if (!Object.hasOwn(request, member) || isAbsent(request[member])) add(member, 'defaulted')
  }
  return substitutions
}

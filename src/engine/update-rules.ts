/**
 * What an RFC 7592 update may carry besides metadata: the members the client echoes from
 * its last read. client_id and client_secret must be the current ones; a server-managed
 * member may be sent only with its current value (RFC 7592 §2.2).
 */
import { SERVER_MANAGED_MEMBERS, violationsError, type Violation } from '../wire/index.js'
import { issuedAtSeconds, registrationClientUri } from './client-views.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'
import { secretsEqual } from './secrets.js'

/**
 * What an update may echo: client_id and client_secret must be the current ones, and a
 * server-managed member may be sent only with its current value (RFC 7592 §2.2).
 */
export function checkEchoedMembers(
  context: EngineContext,
  service: ServiceRecord,
  current: ClientRecord,
  body: Record<string, unknown>,
  token: string,
): void {
  const violations: Violation[] = []
  const refuse = (member: string, description: string) =>
    violations.push({
      pointer: `/${member}`,
      rule: 'echoedMember',
      spec: 'RFC 7592 §2.2',
      error: 'invalid_request',
      error_description: description,
    })
  if (body['client_id'] !== undefined && body['client_id'] !== String(current.clientId)) {
    refuse('client_id', 'client_id does not match the client being updated')
  }
  const secret = body['client_secret']
  if (
    secret !== undefined &&
    !(
      typeof secret === 'string' &&
      current.clientSecret !== undefined &&
      secretsEqual(secret, current.clientSecret)
    )
  ) {
    refuse('client_secret', 'client_secret does not match the current secret')
  }
  const currentValues: Record<(typeof SERVER_MANAGED_MEMBERS)[number], unknown> = {
    registration_access_token: token,
    registration_client_uri: registrationClientUri(context, service, current.clientId),
    client_secret_expires_at:
      current.clientSecret === undefined ? 0 : current.clientSecretExpiresAt,
    client_id_issued_at: issuedAtSeconds(current),
  }
  for (const member of SERVER_MANAGED_MEMBERS) {
    if (body[member] !== undefined && body[member] !== currentValues[member]) {
      refuse(member, `${member} is managed by the server and cannot be changed`)
    }
  }
  if (violations.length > 0) throw violationsError(violations)
}

export function withoutIssuedMembers(body: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...body }
  for (const member of [...SERVER_MANAGED_MEMBERS, 'client_id', 'client_secret'])
    delete rest[member]
  return rest
}

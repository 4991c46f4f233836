/**
 * An administrator's way out after a registration access token's lineage was revoked
 * (token-rotation.ts), or when a client lost its token: a new token, answered once, in the
 * answer only. The client's earlier tokens (current, previous, retired) all stop working,
 * and their hashes are forgotten: from then on they are merely wrong tokens, so whoever
 * still holds one cannot revoke the new token by presenting it.
 */
import { OAuthError } from '../wire/index.js'
import { tokenReissuedEvent } from './audit-events.js'
import type { RequestOrigin } from './audit.js'
import { requireClient } from './clients.js'
import { registrationClientUri } from './client-views.js'
import { updateOptimistically } from './client-replacement.js'
import type { EngineContext } from './context.js'
import type { ServiceRecord } from './records.js'
import { hashSecret, mintSecret } from './secrets.js'

/** The new token, and where the client uses it (RFC 7592 §3). */
export interface ReissuedToken {
  clientId: number
  registrationAccessToken: string
  registrationClientUri: string
}

export async function reissueRegistrationAccessToken(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number,
  origin?: RequestOrigin,
): Promise<ReissuedToken> {
  let token = ''
  const { after } = await updateOptimistically(
    context,
    async () => {
      const client = await requireClient(context, service, clientId)
      // A client created through the management API has no RFC 7592 access to give back.
      if (!client.dynamicallyRegistered) {
        throw new OAuthError(
          'invalid_request',
          `client ${client.clientId} was not dynamically registered and has no registration access token`,
        )
      }
      return client
    },
    async (current) => {
      token = mintSecret(context.randomBytes)
      const {
        registrationAccessTokenPreviousHash: _previous,
        registrationAccessTokenPreviousValidUntil: _until,
        registrationAccessTokenRetiredHashes: _retired,
        registrationAccessTokenRevokedAt: _revoked,
        ...rest
      } = current
      return { ...rest, registrationAccessTokenHash: hashSecret(token) }
    },
    (_before, after) => tokenReissuedEvent(context, origin, after),
  )
  return {
    clientId: after.clientId,
    registrationAccessToken: token,
    registrationClientUri: registrationClientUri(context, service, after.clientId),
  }
}

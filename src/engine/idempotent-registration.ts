/**
 * Registration with an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header §2): the
 * first request with a key registers; a repeat with the same body and the same initial
 * access token within the window answers that client again, 201, with a registration
 * access token that works and leaves the first answer's working (idempotency.ts).
 *
 * - The key is claimed in a statement of its own before the registration, so of requests
 *   racing with one key, on one node or many, one registers. The others wait briefly for
 *   it and answer its client; should it still be in flight after that, 409 (§2.7).
 * - The same key with another body or another initial access token: 422, nothing stored
 *   (§2.7); the token counts, so nobody else can repeat someone's registration.
 * - Only a registration that succeeded is remembered: a failed one (a 400, say) releases
 *   its claim, so the corrected request may use the same key. Its answer was an error the
 *   same request earns again.
 * - A key whose client is gone (deleted since) is released too, and registers anew.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { isOAuthError, OAuthError } from '../wire/index.js'
import { requireRegistrationEnabled } from './client-authentication.js'
import { clientInformation } from './client-views.js'
import type { EngineContext } from './context.js'
import { failed, succeeded, type Decision } from './decision.js'
import { liveClient } from './find-client.js'
import { checkIdempotencyKey, requestHashOf } from './idempotency.js'
import type { IdempotencyKeyRecord, ServiceRecord } from './records.js'
import type { RegisterRequest } from './registration.js'
import { hashSecret, secretMatches, secretsEqual } from './secrets.js'

/** How often, and how long apart, a request looks whether the one holding its key is done: 1 s. */
const LOOKS = 40
const LOOK_INTERVAL_MILLISECONDS = 25

/** Registers a client with `registerNew` (given its registration access token) once per key. */
export async function registerOnce(
  context: EngineContext,
  service: ServiceRecord,
  request: RegisterRequest & { idempotencyKey: string },
  registerNew: (registrationAccessToken: string) => Promise<Decision>,
): Promise<Decision> {
  try {
    requireRegistrationEnabled(service)
    const key = request.idempotencyKey
    checkIdempotencyKey(key)
    const sent = {
      serviceApiKey: service.apiKey,
      keyHash: hashSecret(key),
      requestHash: requestHashOf(request.json),
      ...(request.initialAccessToken !== undefined && {
        tokenHash: hashSecret(request.initialAccessToken),
      }),
    }
    for (let looks = 0; ;) {
      const now = context.now()
      const claim: IdempotencyKeyRecord = { ...sent, createdAt: now }
      const token = await context.idempotency.registrationAccessToken(service.apiKey, now, key)
      const outcome = await context.store.claimIdempotencyKey(
        claim,
        context.idempotency.reclaim(now),
      )
      if (outcome.claimed) {
        context.idempotency.sweep(now)
        return await registerClaimed(context, claim, () => registerNew(token))
      }
      // Another body is refused at once; the same one waits for the registration in flight.
      let held: IdempotencyKeyRecord | undefined = outcome.held
      refuseAnotherRequest(held, claim)
      while (held && held.clientId === undefined) {
        if (++looks > LOOKS) throw inFlight()
        await sleep(LOOK_INTERVAL_MILLISECONDS)
        held = await context.store.getIdempotencyKey(claim.serviceApiKey, claim.keyHash)
      }
      if (!held) continue
      refuseAnotherRequest(held, claim)
      const repeated = await repeat(context, service, key, held)
      if (repeated) return repeated
      if (++looks > LOOKS) throw inFlight()
      await context.store.releaseIdempotencyKey(held)
    }
  } catch (error) {
    return refused(service, error)
  }
}

/** The registration's decision, its claim completed with the client or else released. */
async function registerClaimed(
  context: EngineContext,
  claim: IdempotencyKeyRecord,
  registerNew: () => Promise<Decision>,
): Promise<Decision> {
  const decision = await registerNew()
  // Should either write fail, the claim stays without a client until it counts as
  // abandoned (idempotency.ts). A client that was registered is answered all the same.
  if (decision.action === 'CREATED' && decision.client) {
    await context.store
      .completeIdempotencyKey(claim, decision.client.clientId)
      .catch(() => undefined)
  } else {
    await context.store.releaseIdempotencyKey(claim).catch(() => undefined)
  }
  return decision
}

/** The same key with another body or initial access token: 422 (draft §2.7). */
function refuseAnotherRequest(held: IdempotencyKeyRecord, claim: IdempotencyKeyRecord): void {
  const sameToken =
    held.tokenHash === undefined || claim.tokenHash === undefined
      ? held.tokenHash === claim.tokenHash
      : secretsEqual(held.tokenHash, claim.tokenHash)
  if (held.requestHash !== claim.requestHash || !sameToken) {
    throw new OAuthError(
      'invalid_request',
      'the Idempotency-Key was used with another request; use a new key for this one',
      { status: 422 },
    )
  }
}

/**
 * The answer of the registration `held` made, or undefined when its client is gone; 409 when
 * its registration access token has changed since.
 */
async function repeat(
  context: EngineContext,
  service: ServiceRecord,
  key: string,
  held: IdempotencyKeyRecord,
): Promise<Decision | undefined> {
  const record = liveClient(context, await context.store.getClient(service.apiKey, held.clientId!))
  const token = await context.idempotency.registrationAccessToken(
    service.apiKey,
    held.createdAt,
    key,
  )
  if (!record) return undefined
  if (!secretMatches(token, record.registrationAccessTokenHash)) {
    // Its token rotated or was reissued since (token-rotation.ts): the client got the answer
    // and used it. Registering anew would make a duplicate; the old token must not be shown.
    throw new OAuthError(
      'invalid_request',
      'the client registered with this Idempotency-Key has a new registration access token since; use it, or a new key',
      { status: 409 },
    )
  }
  return succeeded('CREATED', service, record, clientInformation(context, service, record, token))
}

function inFlight(): OAuthError {
  return new OAuthError(
    'invalid_request',
    'a request with this Idempotency-Key is still being processed; try again shortly',
    { status: 409 },
  )
}

/** A failed decision whose status is the error's own (409, 422), not its action's. */
function refused(service: ServiceRecord, error: unknown): Decision {
  const decision = failed(service, error)
  return isOAuthError(error) ? { ...decision, status: error.status } : decision
}

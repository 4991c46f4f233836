import { numericId } from '../wire/index.js'
import type { EngineContext } from './context.js'
import { isGone, type ClientRecord, type ServiceRecord } from './records.js'

/**
 * The client a decimal id names (a string from a URL or a number from an older SDK), or
 * undefined for an unknown client, an expired or deleted one (checked here, so that no
 * answer waits for a sweep) and anything that is not such an id.
 */
export async function findClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number | undefined,
): Promise<ClientRecord | undefined> {
  const id = numericId(clientId)
  if (id === undefined) return undefined
  return liveClient(context, await context.store.getClient(service.apiKey, id))
}

/** The record, unless it is missing, has expired by now or is deleted (records.ts, isGone). */
export function liveClient(
  context: EngineContext,
  record: ClientRecord | undefined,
): ClientRecord | undefined {
  return record && !isGone(record, context.now()) ? record : undefined
}

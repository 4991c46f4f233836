import { numericId } from '../wire/index.js'
import type { EngineContext } from './context.js'
import type { ClientRecord, ServiceRecord } from './records.js'

/**
 * The client a decimal id names (a string from a URL or a number from an older SDK), or
 * undefined for an unknown client and for anything that is not such an id.
 */
export async function findClient(
  context: EngineContext,
  service: ServiceRecord,
  clientId: string | number | undefined,
): Promise<ClientRecord | undefined> {
  const id = numericId(clientId)
  return id === undefined ? undefined : context.store.getClient(service.apiKey, id)
}

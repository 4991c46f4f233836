/**
 * The caps a new client must fit under (default limits exist, a cap answers
 * 400): the service's clients (policy.maxClients, DEFAULT_MAX_CLIENTS when absent),
 * one software_id's and one initial access token's (policy.maxClientsPerSoftwareId,
 * policy.maxClientsPerInitialAccessToken) and one developer's (Authlete's
 * clientsPerDeveloper). Each is enforced on its own, so where two cap the same clients the stricter
 * holds. The store counts them inside the insert's transaction (Store.insertClient); its
 * refusal is answered here, naming the limit and the member that sets it.
 */
import type { RegistrationPolicy } from '../metadata/index.js'
import { OAuthError } from '../wire/index.js'
import type { ClientRecord } from './records.js'
import type { ClientCapReachedError, ClientCaps } from './store.js'

/** The caps of a service's policy, as the store counts them. */
export function capsOf(policy: RegistrationPolicy): ClientCaps {
  return {
    maxClients: policy.maxClients,
    perDeveloper: policy.clientsPerDeveloper,
    perSoftwareId: policy.maxClientsPerSoftwareId,
    perInitialAccessToken: policy.maxClientsPerInitialAccessToken,
  }
}

type Counted = Pick<ClientRecord, 'developer' | 'metadata'>

const clients = (limit: number) => `${limit} client${limit === 1 ? '' : 's'}`

const DESCRIPTIONS: {
  readonly [Cap in keyof ClientCaps]-?: (limit: number, record: Counted) => string
} = {
  maxClients: (limit) => `this service holds its maximum of ${clients(limit)} (policy.maxClients)`,
  perDeveloper: (limit, record) =>
    `developer ${record.developer} has its maximum of ${clients(limit)} (service setting clientsPerDeveloper)`,
  perSoftwareId: (limit, record) =>
    `software_id ${record.metadata.software_id} has its maximum of ${clients(limit)} (policy.maxClientsPerSoftwareId)`,
  perInitialAccessToken: (limit) =>
    `the initial access token has registered its maximum of ${clients(limit)} (policy.maxClientsPerInitialAccessToken)`,
}

/** The 400 a refused insert of `record` earns. */
export function capReached(error: ClientCapReachedError, record: Counted): OAuthError {
  return new OAuthError('invalid_client_metadata', DESCRIPTIONS[error.cap](error.limit, record), {
    cause: error,
  })
}

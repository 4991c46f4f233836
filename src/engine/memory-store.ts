/**
 * An in-memory Store, for tests and for embedding the engine where nothing must survive
 * the process. It keeps the Store contract (versions, atomic token use) but is not durable.
 */
import { isInitialAccessTokenLive } from './access-tokens.js'
import { MemoryWebhooks } from './memory-webhooks.js'
import type {
  ListedMetadataDocumentClient,
  MetadataDocumentClient,
  MetadataDocumentVersion,
  NewMetadataDocumentVersion,
} from './metadata-document-store.js'
import { isExpired } from './records.js'
import {
  ClientCapReachedError,
  DuplicateClientIdError,
  InitialAccessTokenSpentError,
  type ApiTokenRecord,
  type ClientCaps,
  type ClientRecord,
  type ClientRestore,
  type ConsumeInitialAccessToken,
  type IdempotencyKeyClaim,
  type IdempotencyKeyReclaim,
  type IdempotencyKeyRecord,
  type InitialAccessTokenRecord,
  type NewClientRecord,
  type NewServiceRecord,
  type Page,
  type PageRequest,
  type ReapedClient,
  type ServiceRecord,
  type Store,
  type WebhookStore,
} from './store.js'

/** Records (or undefined, for a miss) are copied in and out: callers never change the store. */
const copy = <T>(value: T): T => structuredClone(value)

function page<T>(all: T[], { start, end }: PageRequest): Page<T> {
  return { start, end, totalCount: all.length, items: all.slice(start, end).map(copy) }
}

export class MemoryStore implements Store {
  readonly #services = new Map<number, ServiceRecord>()
  readonly #clients = new Map<string, ClientRecord>()
  readonly #initialAccessTokens = new Map<string, InitialAccessTokenRecord>()
  readonly #apiTokens = new Map<string, ApiTokenRecord>()
  readonly #settings = new Map<string, string>()
  readonly #idempotencyKeys = new Map<string, IdempotencyKeyRecord>()
  /** Pinned Client ID Metadata Documents by `${serviceApiKey} ${url}`, oldest first. */
  readonly #metadataDocuments = new Map<string, MetadataDocumentVersion[]>()
  readonly #metadataDocumentClients = new Map<string, MetadataDocumentClient>()
  #sequence = 0
  /** Webhooks and their outbox; `enqueue` stands for sealing an audit event. */
  readonly webhooks = new MemoryWebhooks()

  async insertService(record: NewServiceRecord): Promise<ServiceRecord> {
    const stored = { ...copy(record), number: ++this.#sequence }
    this.#services.set(stored.apiKey, stored)
    return copy(stored)
  }

  async getService(apiKey: number): Promise<ServiceRecord | undefined> {
    return copy(this.#services.get(apiKey))
  }

  async listServices(request: PageRequest & { apiKeys?: number[] }): Promise<Page<ServiceRecord>> {
    const all = [...this.#services.values()]
      .filter((service) => !request.apiKeys || request.apiKeys.includes(service.apiKey))
      .sort((a, b) => a.number - b.number)
    return page(all, request)
  }

  async updateService(record: ServiceRecord): Promise<ServiceRecord | undefined> {
    if (!this.#services.has(record.apiKey)) return undefined
    this.#services.set(record.apiKey, copy(record))
    return copy(record)
  }

  async deleteService(apiKey: number): Promise<boolean> {
    for (const [key, client] of this.#clients) {
      if (client.serviceApiKey === apiKey) this.#clients.delete(key)
    }
    for (const [id, token] of this.#initialAccessTokens) {
      if (token.serviceApiKey === apiKey) this.#initialAccessTokens.delete(id)
    }
    for (const [id, token] of this.#apiTokens) {
      if (token.serviceApiKey === apiKey) this.#apiTokens.delete(id)
    }
    for (const [key, claim] of this.#idempotencyKeys) {
      if (claim.serviceApiKey === apiKey) this.#idempotencyKeys.delete(key)
    }
    for (const key of this.#metadataDocuments.keys()) {
      if (key.startsWith(`${apiKey} `)) this.#metadataDocuments.delete(key)
    }
    for (const key of this.#metadataDocumentClients.keys()) {
      if (key.startsWith(`${apiKey} `)) this.#metadataDocumentClients.delete(key)
    }
    this.webhooks.deleteService(apiKey)
    return this.#services.delete(apiKey)
  }

  async insertClient(
    record: NewClientRecord,
    consume?: ConsumeInitialAccessToken,
    caps: ClientCaps = {},
  ): Promise<ClientRecord> {
    this.#refuseOverCap(record, caps)
    const key = `${record.serviceApiKey}/${record.clientId}`
    if (this.#clients.has(key)) throw new DuplicateClientIdError(record.clientId)
    if (consume) {
      const token = this.#initialAccessTokens.get(consume.id)
      const ofThisService = token?.serviceApiKey === record.serviceApiKey ? token : undefined
      if (!ofThisService || !isInitialAccessTokenLive(ofThisService, consume.now)) {
        throw new InitialAccessTokenSpentError()
      }
      if (ofThisService.maxUses > 0) ofThisService.usesLeft -= 1
    }
    const stored: ClientRecord = { ...copy(record), number: ++this.#sequence, version: 1 }
    this.#clients.set(key, stored)
    return copy(stored)
  }

  /** Counts as the SQL stores do (store/insert-plan.ts): a record without the value is not counted. */
  #refuseOverCap(record: NewClientRecord, caps: ClientCaps): void {
    const { developer, initialAccessTokenId: tokenId } = record
    const softwareId = record.metadata.software_id
    const counted: Record<keyof ClientCaps, ((client: ClientRecord) => boolean) | undefined> = {
      maxClients: () => true,
      perDeveloper: (client) => client.developer === developer,
      perSoftwareId:
        softwareId === undefined
          ? undefined
          : (client) => client.metadata.software_id === softwareId,
      perInitialAccessToken:
        tokenId === undefined ? undefined : (client) => client.initialAccessTokenId === tokenId,
    }
    const ofService = [...this.#clients.values()].filter(
      (client) => client.serviceApiKey === record.serviceApiKey && client.deletedAt === undefined,
    )
    for (const cap of Object.keys(counted) as (keyof ClientCaps)[]) {
      const limit = caps[cap]
      const matches = counted[cap]
      if (limit === undefined || !matches) continue
      if (ofService.filter(matches).length >= limit) throw new ClientCapReachedError(cap, limit)
    }
  }

  async getClient(serviceApiKey: number, clientId: number): Promise<ClientRecord | undefined> {
    return copy(this.#clients.get(`${serviceApiKey}/${clientId}`))
  }

  async listClients(
    serviceApiKey: number,
    request: PageRequest & { developer?: string; now?: number },
  ): Promise<Page<ClientRecord>> {
    const { developer, now } = request
    const all = [...this.#clients.values()]
      .filter((client) => client.serviceApiKey === serviceApiKey)
      .filter((client) => developer === undefined || client.developer === developer)
      .filter((client) => client.deletedAt === undefined)
      .filter((client) => now === undefined || !isExpired(client, now))
      .sort((a, b) => a.number - b.number)
    return page(all, request)
  }

  async updateClient(record: ClientRecord): Promise<ClientRecord | undefined> {
    const key = `${record.serviceApiKey}/${record.clientId}`
    const current = this.#clients.get(key)
    if (!current || current.version !== record.version) return undefined
    const stored: ClientRecord = { ...copy(record), version: record.version + 1 }
    delete stored.lastUsedAt
    if (current.lastUsedAt !== undefined) stored.lastUsedAt = current.lastUsedAt
    this.#clients.set(key, stored)
    return copy(stored)
  }

  async pinMetadataDocument(
    pin: NewMetadataDocumentVersion,
  ): Promise<{ added: boolean; previous?: MetadataDocumentVersion }> {
    const key = `${pin.serviceApiKey} ${pin.url}`
    const versions = this.#metadataDocuments.get(key) ?? []
    const previous = versions.at(-1)
    if (previous?.document === pin.document) return { added: false, previous: { ...previous } }
    versions.push({ ...pin, version: (previous?.version ?? 0) + 1 })
    this.#metadataDocuments.set(key, versions)
    return previous ? { added: true, previous: { ...previous } } : { added: true }
  }

  async metadataDocumentVersions(
    serviceApiKey: number,
    url: string,
  ): Promise<MetadataDocumentVersion[]> {
    return (this.#metadataDocuments.get(`${serviceApiKey} ${url}`) ?? []).map((v) => ({ ...v }))
  }

  async metadataDocumentClient(
    serviceApiKey: number,
    url: string,
  ): Promise<MetadataDocumentClient | undefined> {
    const found = this.#metadataDocumentClients.get(`${serviceApiKey} ${url}`)
    return found && { ...found }
  }

  async metadataDocumentUrl(
    serviceApiKey: number,
    clientNumber: number,
  ): Promise<string | undefined> {
    const prefix = `${serviceApiKey} `
    for (const [key, client] of this.#metadataDocumentClients) {
      if (key.startsWith(prefix) && client.clientNumber === clientNumber) {
        return key.slice(prefix.length)
      }
    }
    return undefined
  }

  async approveMetadataDocument(
    serviceApiKey: number,
    url: string,
    version: number,
  ): Promise<void> {
    const found = this.#documentClient(serviceApiKey, url)
    found.approvedVersion = version
  }

  async recordMetadataDocumentUse(serviceApiKey: number, url: string, at: number): Promise<void> {
    const found = this.#documentClient(serviceApiKey, url)
    if (found.lastUsedAt === undefined || found.lastUsedAt < at) found.lastUsedAt = at
  }

  async listMetadataDocumentClients(
    serviceApiKey: number,
    range: { start: number; end: number },
  ): Promise<ListedMetadataDocumentClient[]> {
    const prefix = `${serviceApiKey} `
    return [...this.#metadataDocumentClients]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([, a], [, b]) => (a.clientNumber ?? 0) - (b.clientNumber ?? 0))
      .slice(range.start, Math.max(range.start, range.end))
      .map(([key, found]) => {
        const url = key.slice(prefix.length)
        const first = this.#metadataDocuments.get(key)?.[0]
        return { url, ...found, ...(first && { firstFetchedAt: first.fetchedAt }) }
      })
  }

  /** The URL's row, made with the service's next number when it is first recorded. */
  #documentClient(serviceApiKey: number, url: string): MetadataDocumentClient {
    const key = `${serviceApiKey} ${url}`
    let found = this.#metadataDocumentClients.get(key)
    if (!found) {
      let highest = 0
      for (const [other, client] of this.#metadataDocumentClients) {
        if (other.startsWith(`${serviceApiKey} `)) {
          highest = Math.max(highest, client.clientNumber ?? 0)
        }
      }
      found = { clientNumber: highest + 1 }
      this.#metadataDocumentClients.set(key, found)
    }
    return found
  }

  async recordClientUse(serviceApiKey: number, clientId: number, at: number): Promise<void> {
    const current = this.#clients.get(`${serviceApiKey}/${clientId}`)
    if (current && recordedBefore(current, at)) current.lastUsedAt = at
  }

  async deleteClient(serviceApiKey: number, clientId: number): Promise<boolean> {
    return this.#clients.delete(`${serviceApiKey}/${clientId}`)
  }

  async deleteExpiredClients(now: number): Promise<number> {
    let deleted = 0
    for (const [key, client] of this.#clients) {
      if (isExpired(client, now) && this.#clients.delete(key)) deleted++
    }
    return deleted
  }

  async hasSoftwareId(serviceApiKey: number, softwareId: string): Promise<boolean> {
    return [...this.#clients.values()].some(
      (client) =>
        client.serviceApiKey === serviceApiKey &&
        client.deletedAt === undefined &&
        client.metadata.software_id === softwareId,
    )
  }

  async softDeleteClient(serviceApiKey: number, clientId: number, at: number): Promise<boolean> {
    const current = this.#clients.get(`${serviceApiKey}/${clientId}`)
    if (!current || current.deletedAt !== undefined) return false
    current.deletedAt = at
    current.version++
    return true
  }

  async restoreClient(
    serviceApiKey: number,
    clientId: number,
    { deletedSince, at, maxClients }: ClientRestore,
  ): Promise<ClientRecord | undefined> {
    const current = this.#clients.get(`${serviceApiKey}/${clientId}`)
    if (current?.deletedAt === undefined || current.deletedAt < deletedSince) return undefined
    if (maxClients !== undefined) {
      const live = [...this.#clients.values()].filter(
        (client) => client.serviceApiKey === serviceApiKey && client.deletedAt === undefined,
      )
      if (live.length >= maxClients) return undefined
    }
    delete current.deletedAt
    current.version++
    if (recordedBefore(current, at)) current.lastUsedAt = at
    return copy(current)
  }

  async reapIdleClients(
    serviceApiKey: number,
    { idleBefore, limit, deleteAt }: { idleBefore: number; limit: number; deleteAt?: number },
  ): Promise<ReapedClient[]> {
    const idle = this.#take(
      (client) =>
        client.serviceApiKey === serviceApiKey &&
        client.deletedAt === undefined &&
        (client.lastUsedAt ?? client.createdAt) < idleBefore,
      limit,
    )
    for (const client of idle) {
      if (deleteAt === undefined) this.#clients.delete(`${serviceApiKey}/${client.clientId}`)
      else Object.assign(client, { deletedAt: deleteAt, version: client.version + 1 })
    }
    return idle.map(reaped)
  }

  async purgeDeletedClients(
    serviceApiKey: number,
    { deletedBefore, limit }: { deletedBefore: number; limit: number },
  ): Promise<ReapedClient[]> {
    const purged = this.#take(
      (client) =>
        client.serviceApiKey === serviceApiKey &&
        client.deletedAt !== undefined &&
        client.deletedAt < deletedBefore,
      limit,
    )
    for (const client of purged) this.#clients.delete(`${serviceApiKey}/${client.clientId}`)
    return purged.map(reaped)
  }

  /** At most `limit` stored clients (not copies) that match, by ascending number. */
  #take(matches: (client: ClientRecord) => boolean, limit: number): ClientRecord[] {
    return [...this.#clients.values()]
      .filter(matches)
      .sort((a, b) => a.number - b.number)
      .slice(0, limit)
  }

  async insertInitialAccessToken(record: InitialAccessTokenRecord): Promise<void> {
    this.#initialAccessTokens.set(record.id, copy(record))
  }

  async getInitialAccessToken(id: string): Promise<InitialAccessTokenRecord | undefined> {
    return copy(this.#initialAccessTokens.get(id))
  }

  async listInitialAccessTokens(
    serviceApiKey: number,
    now: number,
    request: PageRequest,
  ): Promise<Page<InitialAccessTokenRecord>> {
    const live = [...this.#initialAccessTokens.values()]
      .filter(
        (token) => token.serviceApiKey === serviceApiKey && isInitialAccessTokenLive(token, now),
      )
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return page(live, request)
  }

  async deleteInitialAccessToken(serviceApiKey: number, id: string): Promise<boolean> {
    const found = this.#initialAccessTokens.get(id)
    if (!found || found.serviceApiKey !== serviceApiKey) return false
    return this.#initialAccessTokens.delete(id)
  }

  async insertApiToken(record: ApiTokenRecord): Promise<void> {
    this.#apiTokens.set(record.id, copy(record))
  }

  async getApiToken(id: string): Promise<ApiTokenRecord | undefined> {
    return copy(this.#apiTokens.get(id))
  }

  async listApiTokens(serviceApiKey: number): Promise<ApiTokenRecord[]> {
    return [...this.#apiTokens.values()]
      .filter((token) => token.serviceApiKey === serviceApiKey)
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map((token) => copy(token))
  }

  async deleteApiToken(serviceApiKey: number, id: string): Promise<boolean> {
    if (this.#apiTokens.get(id)?.serviceApiKey !== serviceApiKey) return false
    return this.#apiTokens.delete(id)
  }

  async recordApiTokenUse(id: string, at: number): Promise<void> {
    const token = this.#apiTokens.get(id)
    if (token && recordedBefore(token, at)) token.lastUsedAt = at
  }

  async claimIdempotencyKey(
    claim: IdempotencyKeyRecord,
    reclaim: IdempotencyKeyReclaim,
  ): Promise<IdempotencyKeyClaim> {
    const key = `${claim.serviceApiKey}/${claim.keyHash}`
    const held = this.#idempotencyKeys.get(key)
    const reclaimable =
      !held ||
      held.createdAt < reclaim.expiredBefore ||
      (held.clientId === undefined && held.createdAt < reclaim.abandonedBefore)
    if (!reclaimable) return { claimed: false, held: copy(held) }
    const { clientId: _none, ...unfinished } = claim
    this.#idempotencyKeys.set(key, copy(unfinished))
    return { claimed: true }
  }

  async getIdempotencyKey(
    serviceApiKey: number,
    keyHash: string,
  ): Promise<IdempotencyKeyRecord | undefined> {
    return copy(this.#idempotencyKeys.get(`${serviceApiKey}/${keyHash}`))
  }

  async completeIdempotencyKey(claim: IdempotencyKeyRecord, clientId: number): Promise<void> {
    const held = this.#idempotencyKeys.get(`${claim.serviceApiKey}/${claim.keyHash}`)
    if (held?.createdAt === claim.createdAt && held.clientId === undefined) held.clientId = clientId
  }

  async releaseIdempotencyKey(claim: IdempotencyKeyRecord): Promise<void> {
    const key = `${claim.serviceApiKey}/${claim.keyHash}`
    if (this.#idempotencyKeys.get(key)?.createdAt === claim.createdAt) {
      this.#idempotencyKeys.delete(key)
    }
  }

  async deleteIdempotencyKeysBefore(before: number): Promise<number> {
    let deleted = 0
    for (const [key, claim] of this.#idempotencyKeys) {
      if (claim.createdAt < before && this.#idempotencyKeys.delete(key)) deleted++
    }
    return deleted
  }

  async getSetting(key: string): Promise<string | undefined> {
    return this.#settings.get(key)
  }

  async putSetting(key: string, value: string): Promise<void> {
    this.#settings.set(key, value)
  }

  async putSettingIfAbsent(key: string, value: string): Promise<string> {
    if (!this.#settings.has(key)) this.#settings.set(key, value)
    return this.#settings.get(key)!
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  insertWebhook: WebhookStore['insertWebhook'] = (record) => this.webhooks.insertWebhook(record)
  listWebhooks: WebhookStore['listWebhooks'] = (serviceApiKey) =>
    this.webhooks.listWebhooks(serviceApiKey)
  deleteWebhook: WebhookStore['deleteWebhook'] = (serviceApiKey, id) =>
    this.webhooks.deleteWebhook(serviceApiKey, id)
  listWebhookDeliveries: WebhookStore['listWebhookDeliveries'] = (serviceApiKey, id, limit) =>
    this.webhooks.listWebhookDeliveries(serviceApiKey, id, limit)
  claimWebhookDeliveries: WebhookStore['claimWebhookDeliveries'] = (claim) =>
    this.webhooks.claimWebhookDeliveries(claim)
  completeWebhookDelivery: WebhookStore['completeWebhookDelivery'] = (lease) =>
    this.webhooks.completeWebhookDelivery(lease)
  retryWebhookDelivery: WebhookStore['retryWebhookDelivery'] = (lease, retry) =>
    this.webhooks.retryWebhookDelivery(lease, retry)
  failWebhookDelivery: WebhookStore['failWebhookDelivery'] = (lease, failure) =>
    this.webhooks.failWebhookDelivery(lease, failure)
}

const reaped = ({ clientId, number, version }: ClientRecord): ReapedClient => ({
  clientId,
  number,
  version,
})

/** A use moves only forward: none recorded yet, or one earlier than `at`. */
function recordedBefore(record: { lastUsedAt?: number }, at: number): boolean {
  return record.lastUsedAt === undefined || record.lastUsedAt < at
}

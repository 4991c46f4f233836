import type {
  AuditPage,
  AuditVerificationResult,
  AuthleteClient,
  ClientVersionList,
} from '../wire/index.js'
import { segment, type Transport } from './transport.js'
import type { ClientId, ServiceId } from './types.js'

/** Filters of an audit page; times are milliseconds since the epoch. */
export interface AuditFilter {
  clientId?: ClientId
  /** e.g. `admin`, `service_token:<id>`, `registration_access_token:<client id>` */
  actor?: string
  /** e.g. `['client.created', 'client.deleted']` */
  kinds?: string[]
  /** Inclusive. */
  from?: number
  /** Exclusive. */
  to?: number
  /** The previous page's `next`. */
  before?: number
  /** @default 100 (at most 1,000) */
  limit?: number
}

/**
 * The audit history: a service's events, a client's versions and rollback, erasure of a
 * client's personal data, and verification of the hash chain.
 * @see README, "Audit"
 */
export class AuditApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** One page of the service's events, newest first; pass `next` as `before` for the next. */
  async list(serviceId: ServiceId, filter: AuditFilter = {}): Promise<AuditPage> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/audit`,
      query: {
        clientId: filter.clientId,
        actor: filter.actor,
        kind: filter.kinds?.join(','),
        from: filter.from,
        to: filter.to,
        before: filter.before,
        limit: filter.limit,
      },
    })) as AuditPage
  }

  /** The client's metadata versions, newest first, secrets masked. */
  async versions(serviceId: ServiceId, clientId: ClientId): Promise<ClientVersionList> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/client/versions/${segment(clientId)}`,
    })) as ClientVersionList
  }

  /** Sets the client's metadata back to `version`, as a new version. */
  async rollback(
    serviceId: ServiceId,
    clientId: ClientId,
    version: number,
  ): Promise<AuthleteClient> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/client/rollback/${segment(clientId)}`,
      body: { version },
    })) as AuthleteClient
  }

  /** Erases the personal data of the client's events; resolves how many were erased. */
  async erase(serviceId: ServiceId, clientId: ClientId): Promise<{ erased: number }> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/audit/erase/${segment(clientId)}`,
    })) as { erased: number }
  }

  /**
   * Walks the whole chain (the admin token only); with `head`, a head logged earlier, also
   * checks that the chain still holds it.
   */
  async verify(head?: { seq: number; hash: string }): Promise<AuditVerificationResult> {
    return (await this.#transport.send({
      method: 'GET',
      path: 'api/audit/verify',
      query: { headSeq: head?.seq, headHash: head?.hash },
    })) as AuditVerificationResult
  }
}

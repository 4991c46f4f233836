import type { AuthleteService, Policy } from '../wire/index.js'
import { segment, type Transport } from './transport.js'
import type { ConfigurationOptions, Range, ServiceId, ServiceList } from './types.js'

/**
 * Service management: `/api/service/*` and `/api/{serviceId}/service/*`.
 * @see Authlete's API
 *   §1c for the policy document
 */
export class ServicesApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** Creates a service; the answer carries its `apiKey`, the id of every other call. */
  async create(service: AuthleteService = {}): Promise<AuthleteService> {
    return (await this.#transport.send({
      method: 'POST',
      path: 'api/service/create',
      body: service,
    })) as AuthleteService
  }

  async get(serviceId: ServiceId): Promise<AuthleteService> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/service/get`,
    })) as AuthleteService
  }

  /** One page of the services the token may see. */
  async list(range: Range = {}): Promise<ServiceList> {
    return (await this.#transport.send({
      method: 'GET',
      path: 'api/service/get/list',
      query: { start: range.start, end: range.end },
    })) as ServiceList
  }

  /** Settings the body omits keep their values only for Registrar's extensions. */
  async update(serviceId: ServiceId, service: AuthleteService): Promise<AuthleteService> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/service/update`,
      body: service,
    })) as AuthleteService
  }

  /** A new `apiSecret`, in the answer this once; the old one stops working (admin token only). */
  async refreshSecret(serviceId: ServiceId): Promise<AuthleteService> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/service/secret/refresh`,
    })) as AuthleteService
  }

  async delete(serviceId: ServiceId): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `api/${segment(serviceId)}/service/delete`,
    })
  }

  /**
   * The service's discovery document (snake_case).
   * @see RFC 8414 §2; OpenID Connect Discovery 1.0 §3
   */
  async configuration(
    serviceId: ServiceId,
    options: ConfigurationOptions = {},
  ): Promise<Record<string, unknown>> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/service/configuration`,
      query: { pretty: options.pretty, patch: options.patch },
    })) as Record<string, unknown>
  }

  /**
   * The service's registration policy document; `{}` for a service that has none.
   * @see README, "Policies"
   */
  async policy(serviceId: ServiceId): Promise<Policy> {
    return (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/service/policy`,
    })) as Policy
  }

  /**
   * Replaces the service's policy document whole (`{}` removes every rule) and returns the
   * stored one. A document the server refuses is a RegistrarApiError with status 400 whose
   * `resultMessage` names the field (`policy.grantTypes: ...`); the stored one stays.
   * @see README, "Policies"
   */
  async replacePolicy(serviceId: ServiceId, policy: Policy): Promise<Policy> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/service/policy`,
      body: policy,
    })) as Policy
  }
}

import { AuditApi } from './audit.js'
import { ClientsApi } from './clients.js'
import { RegistrationApi } from './registration.js'
import { ServicesApi } from './services.js'
import { InitialAccessTokensApi, TokensApi } from './tokens.js'
import { createTransport } from './transport.js'
import { WebhooksApi } from './webhooks.js'

/** How to reach a Registrar server. */
export interface RegistrarOptions {
  /**
   * The server's base URL; a path prefix is kept (`http://h/prefix` calls `/prefix/api/...`).
   * @default none (required)
   */
  baseUrl: string | URL
  /**
   * The admin token, or a service token for calls within that service. `Bearer ` is
   * added unless the value starts with it.
   * @default none (required)
   */
  token: string
  /**
   * The fetch to call, e.g. one with a proxy agent or a test double.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
}

/**
 * A typed client for the whole Registrar API, one property per surface.
 *
 * ```ts
 * const registrar = new Registrar({ baseUrl: 'http://127.0.0.1:8080', token })
 * const { apiKey } = await registrar.services.create({ serviceName: 'demo' })
 * const result = await registrar.registration.register(apiKey!, { json: requestBody })
 * switch (result.action) { case 'CREATED': ... }
 * ```
 * @see Authlete's API
 */
export class Registrar {
  /** @see Authlete's API */
  readonly services: ServicesApi
  /** @see Authlete's API */
  readonly clients: ClientsApi
  /** @see Authlete's API; RFC 7591 §3; RFC 7592 §2 */
  readonly registration: RegistrationApi
  /** @see README, "Registrar's extensions to the API" */
  readonly tokens: TokensApi
  /** @see RFC 7591 §3 */
  readonly initialAccessTokens: InitialAccessTokensApi
  /** @see README, "Audit" */
  readonly audit: AuditApi
  /** @see README, Webhooks */
  readonly webhooks: WebhooksApi

  constructor(options: RegistrarOptions) {
    const transport = createTransport({
      baseUrl: new URL(options.baseUrl),
      token: options.token,
      fetch: options.fetch ?? globalThis.fetch,
    })
    this.services = new ServicesApi(transport)
    this.clients = new ClientsApi(transport)
    this.registration = new RegistrationApi(transport)
    this.tokens = new TokensApi(transport)
    this.initialAccessTokens = new InitialAccessTokensApi(transport)
    this.audit = new AuditApi(transport)
    this.webhooks = new WebhooksApi(transport)
  }
}

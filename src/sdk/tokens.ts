import type { ApiTokenInfo, ApiTokenList, InitialAccessTokenList } from '../wire/index.js'
import { segment, type Transport } from './transport.js'
import type {
  ApiToken,
  CreatedInitialAccessToken,
  InitialAccessTokenInfo,
  InitialAccessTokenRequest,
  Range,
  ServiceId,
} from './types.js'

/**
 * Service-scoped API tokens: everything within one service except deleting it.
 * @see README, "Registrar's extensions to the API"
 */
export class TokensApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /**
   * Needs the admin token. The secret `token` is shown this once; with `expiresIn`
   * (seconds) it stops working then.
   */
  async create(
    serviceId: ServiceId,
    options: { description?: string; expiresIn?: number } = {},
  ): Promise<ApiToken> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/token/create`,
      body: { description: options.description, expiresIn: options.expiresIn },
    })) as ApiToken
  }

  /** The service's API tokens, oldest first, never their secrets, with their last use. */
  async list(serviceId: ServiceId): Promise<ApiTokenInfo[]> {
    const answer = (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/token/list`,
    })) as ApiTokenList
    return answer.tokens
  }

  /** The token stops working at once. */
  async delete(serviceId: ServiceId, id: string): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `api/${segment(serviceId)}/token/${segment(id)}`,
    })
  }
}

/**
 * Initial access tokens, which a client presents to register when the service asks for one.
 * @see RFC 7591 §3
 */
export class InitialAccessTokensApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** The secret `token` is shown this once. */
  async create(
    serviceId: ServiceId,
    request: InitialAccessTokenRequest = {},
  ): Promise<CreatedInitialAccessToken> {
    return (await this.#transport.send({
      method: 'POST',
      path: `api/${segment(serviceId)}/initial_access_token/create`,
      body: request,
    })) as CreatedInitialAccessToken
  }

  /**
   * Live tokens only, without secrets, oldest first: the first 1,000 unless `range` says
   * which (the server answers at most 1,000 a call).
   */
  async list(serviceId: ServiceId, range: Range = {}): Promise<InitialAccessTokenInfo[]> {
    const answer = (await this.#transport.send({
      method: 'GET',
      path: `api/${segment(serviceId)}/initial_access_token/list`,
      query: { start: range.start, end: range.end },
    })) as InitialAccessTokenList
    return answer.tokens
  }

  /** The token stops working at once. */
  async delete(serviceId: ServiceId, id: string): Promise<void> {
    await this.#transport.send({
      method: 'DELETE',
      path: `api/${segment(serviceId)}/initial_access_token/${segment(id)}`,
    })
  }
}

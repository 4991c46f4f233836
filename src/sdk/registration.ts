// Not wire/index.js, which loads TypeBox: see allowedInnerFiles in eslint.config.js.
import { ACTIONS, STATUS_BY_ACTION } from '../wire/authlete.js'
import type {
  ClientMetadata,
  ClientRegistrationRequest,
  ClientRegistrationResponse,
} from '../wire/index.js'
import { isJsonObject } from '../wire/json.js'
import { RegistrarApiError } from './errors.js'
import { segment, type Transport } from './transport.js'
import type {
  DryRunOutcome,
  ManageRequest,
  RegisterRequest,
  RegistrationResult,
  ServiceId,
  UpdateRequest,
} from './types.js'

/**
 * The four DCR calls an authorization server makes for its registration endpoint. Each
 * answers HTTP 200 with an `action`; the client's own problems (bad metadata, a wrong
 * token) are actions, not exceptions.
 * @see Authlete's API; RFC 7591 §3; RFC 7592 §2
 */
export class RegistrationApi {
  readonly #transport: Transport

  constructor(transport: Transport) {
    this.#transport = transport
  }

  /** @see RFC 7591 §3.1 (action CREATED, else BAD_REQUEST or UNAUTHORIZED) */
  register(serviceId: ServiceId, request: RegisterRequest): Promise<RegistrationResult> {
    return this.#call(serviceId, '', { json: toJson(request.json), token: request.token })
  }

  /**
   * Decides a registration without making it: action OK with the client the request would
   * register (`responseContent.client`) and what the server changed of it
   * (`responseContent.substitutions`), or the refusal with every violation. Nothing is
   * stored, and no initial access token use is consumed.
   * @see README, "Explained rejections and dry run"
   */
  async dryRun(serviceId: ServiceId, request: RegisterRequest): Promise<DryRunOutcome> {
    return (await this.#call(serviceId, '', {
      json: toJson(request.json),
      token: request.token,
      dryRun: true,
    })) as DryRunOutcome
  }

  /** @see RFC 7592 §2.1 (action OK) */
  get(serviceId: ServiceId, request: ManageRequest): Promise<RegistrationResult> {
    return this.#call(serviceId, '/get', {
      clientId: String(request.clientId),
      token: request.token,
    })
  }

  /** @see RFC 7592 §2.2 (action UPDATED) */
  update(serviceId: ServiceId, request: UpdateRequest): Promise<RegistrationResult> {
    return this.#call(serviceId, '/update', {
      json: toJson(request.json),
      clientId: String(request.clientId),
      token: request.token,
    })
  }

  /** @see RFC 7592 §2.3 (action DELETED) */
  delete(serviceId: ServiceId, request: ManageRequest): Promise<RegistrationResult> {
    return this.#call(serviceId, '/delete', {
      clientId: String(request.clientId),
      token: request.token,
    })
  }

  async #call(
    serviceId: ServiceId,
    suffix: string,
    body: ClientRegistrationRequest,
  ): Promise<RegistrationResult> {
    const path = `api/${segment(serviceId)}/client/registration${suffix}`
    const answer = await this.#transport.send({ method: 'POST', path, body })
    return decodeResult(path, answer)
  }
}

function toJson(json: string | ClientMetadata): string {
  return typeof json === 'string' ? json : JSON.stringify(json)
}

function decodeResult(path: string, answer: unknown): RegistrationResult {
  const invalid = (why: string) => new RegistrarApiError(200, undefined, `${path}: ${why}`, answer)
  if (!isJsonObject(answer)) throw invalid('the answer is not a JSON object')
  const response = answer as Partial<ClientRegistrationResponse>
  const action = response.action
  if (!action || !ACTIONS.includes(action)) throw invalid(`unknown action ${String(action)}`)

  let responseContent: unknown
  if (typeof response.responseContent === 'string') {
    try {
      responseContent = JSON.parse(response.responseContent)
    } catch {
      throw invalid('responseContent is not JSON text')
    }
  }
  if (action !== 'DELETED' && !isJsonObject(responseContent)) {
    throw invalid(`action ${action} came without a responseContent object`)
  }
  return {
    action,
    status: STATUS_BY_ACTION[action],
    resultCode: response.resultCode ?? '',
    resultMessage: response.resultMessage ?? '',
    responseContent,
    client: response.client,
  } as RegistrationResult
}

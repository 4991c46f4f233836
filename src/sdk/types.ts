/**
 * The SDK's own shapes: call options and the decoded DCR result. The answer shapes (list
 * pages, Registrar's token extensions) are the wire schemas' types.
 */
import type {
  Action,
  AuthleteClient,
  ClientInformation,
  ClientMetadata,
  DryRunResult,
  InitialAccessTokenCreateBody,
  OAuthErrorBody,
  WebhookCreateBody,
} from '../wire/index.js'

export type {
  ClientSecretResult,
  ApiToken,
  ApiTokenInfo,
  ClientList,
  ClientOrphanReport,
  DuplicateGroup,
  OrphanClient,
  DryRunResult,
  Substitution,
  Violation,
  CreatedInitialAccessToken,
  InitialAccessTokenInfo,
  ServiceList,
  ReissuedTokenAnswer,
  CreatedWebhook,
  WebhookInfo,
  WebhookDeliveryInfo,
  WebhookEventKind,
} from '../wire/index.js'

/** `url` (http or https), the event `kinds` to send, a `description`. @see README, Webhooks */
export type WebhookRequest = WebhookCreateBody

/** @see RFC 7591 §3 */
export type InitialAccessTokenRequest = InitialAccessTokenCreateBody

/** A service id: the service's `apiKey`, as a number or its decimal text. */
export type ServiceId = number | string
/** A client id: the client's numeric `clientId`, as a number or its decimal text. */
export type ClientId = number | string

/** Which slice of a list to fetch: `start` inclusive, `end` exclusive. */
export interface Range {
  /** @default 0 */
  start?: number
  /** @default 5 (the server's default page); the server answers at most 1,000 items a call */
  end?: number
}

/** Query of `service.getConfiguration`. */
export interface ConfigurationOptions {
  /** Ask the server to indent the JSON. @default false */
  pretty?: boolean
  /** A JSON Patch (RFC 6902) the server applies to the document before answering. */
  patch?: string
}

/** The `error` body of a refused registration, as the authorization server sends it on. */
export type RegistrationErrorContent = OAuthErrorBody & { error_uri?: string }

interface RegistrationResultBase {
  resultCode: string
  resultMessage: string
  /** The HTTP status the authorization server answers its client with. */
  status: number
}

/**
 * A DCR API answer with `responseContent` decoded, narrowed by `action` so that an
 * authorization server writes one `switch (result.action)`.
 * @see Authlete's API; RFC 7591 §3.2; RFC 7592 §2
 */
export type RegistrationResult =
  | (RegistrationResultBase & {
      action: Extract<Action, 'CREATED' | 'OK' | 'UPDATED'>
      responseContent: ClientInformation
      client: AuthleteClient | undefined
    })
  | (RegistrationResultBase & {
      action: Extract<Action, 'DELETED'>
      responseContent: undefined
      client: undefined
    })
  | (RegistrationResultBase & {
      action: Extract<Action, 'BAD_REQUEST' | 'UNAUTHORIZED' | 'INTERNAL_SERVER_ERROR'>
      responseContent: RegistrationErrorContent
      client: undefined
    })

/**
 * A dry run's answer: OK with the client the request would register, or the refusal a
 * registration would give, with every violation (nothing is stored either way).
 * @see README, "Explained rejections and dry run"
 */
export type DryRunOutcome =
  | (RegistrationResultBase & {
      action: Extract<Action, 'OK'>
      responseContent: DryRunResult
      client: undefined
    })
  | (RegistrationResultBase & {
      action: Extract<Action, 'BAD_REQUEST' | 'UNAUTHORIZED' | 'INTERNAL_SERVER_ERROR'>
      responseContent: RegistrationErrorContent
      client: undefined
    })

/**
 * What the authorization server received from its client. `json` is the request body as
 * it arrived (pass the text unchanged) or, for convenience, metadata to serialise.
 * @see Authlete's API
 */
export interface RegisterRequest {
  json: string | ClientMetadata
  /** The initial access token the client presented (RFC 7591 §3), if any. */
  token?: string
}

/** A client configuration request: read or delete. @see RFC 7592 §2.1, §2.3 */
export interface ManageRequest {
  clientId: ClientId
  /** The registration access token the client presented. */
  token: string
}

/** A client update request. @see RFC 7592 §2.2 */
export interface UpdateRequest extends ManageRequest {
  json: string | ClientMetadata
}

/**
 * Answer shapes of the Registrar API that src/wire does not declare: the list pages,
 * Registrar's token extensions (CONTRACT.md §1b) and the decoded DCR result.
 */
import type {
  Action,
  AuthleteClient,
  AuthleteService,
  ClientInformation,
  ClientMetadata,
  OAuthErrorBody,
} from '../wire/index.js'

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

/** @see ../../shared/spec/authlete-api.md §2.1 (`service.list`) */
export interface ServiceList {
  start: number
  end: number
  totalCount: number
  services: AuthleteService[]
}

/** @see ../../shared/spec/authlete-api.md §2.2 (`client.list`) */
export interface ClientList {
  start: number
  end: number
  totalCount: number
  clients: AuthleteClient[]
}

/** Query of `service.getConfiguration`. */
export interface ConfigurationOptions {
  /** Ask the server to indent the JSON. @default false */
  pretty?: boolean
  /** A JSON Patch (RFC 6902) the server applies to the document before answering. */
  patch?: string
}

/** A service-scoped API token; `token` is shown this once. @see CONTRACT.md §1b */
export interface ApiToken {
  id: string
  token: string
}

/** @see CONTRACT.md §1b; RFC 7591 §3 */
export interface InitialAccessTokenRequest {
  /** Lifetime in seconds. @default never expires */
  expiresIn?: number
  /** How many registrations it allows. @default unlimited */
  maxUses?: number
  description?: string
}

/** A new initial access token; `token` is shown this once. @see RFC 7591 §3 */
export interface CreatedInitialAccessToken {
  id: string
  token: string
  /** Milliseconds since the epoch; 0 = never. */
  expiresAt: number
  /** 0 = unlimited. */
  maxUses: number
}

/** A live initial access token, without its secret. @see CONTRACT.md §1b */
export interface InitialAccessTokenInfo {
  id: string
  /** Milliseconds since the epoch; 0 = never. */
  expiresAt: number
  /** 0 = unlimited. */
  maxUses: number
  /** Omitted when unlimited. */
  usesLeft?: number
  description?: string
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
 * @see ../../shared/spec/authlete-api.md §3.2 and §3.3; RFC 7591 §3.2; RFC 7592 §2
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
 * What the authorization server received from its client. `json` is the request body as
 * it arrived (pass the text unchanged) or, for convenience, metadata to serialise.
 * @see ../../shared/spec/authlete-api.md §3.1
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

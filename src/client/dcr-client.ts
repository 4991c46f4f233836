/**
 * DcrClient: registration at one authorization server, remembered in a CredentialStore.
 * An app or agent calls ensureRegistered() at start and gets working credentials: the
 * stored ones while the server still knows them, a fresh registration otherwise. An agent
 * that may also have pre-registered credentials or its own https client_id (a Client ID
 * Metadata Document) calls ensureClientId() instead, which registers only when neither
 * applies at this server.
 */
import { supportsClientIdMetadataDocuments, type ClientIdDecision } from './client-id-approach.js'
import {
  clientIdUrlProblem,
  createClientIdMetadataDocument,
} from './client-id-metadata-document.js'
import { MemoryCredentialStore, type CredentialStore } from './credential-store.js'
import { discover } from './discovery.js'
import { DcrError, emitProcessWarning, type WarningHandler } from './errors.js'
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type HttpOptions } from './http.js'
import {
  deleteClient,
  readClient,
  registerClient,
  renewClientSecret,
  updateClient,
} from './registration.js'
import {
  DEFAULT_SECRET_RENEWAL_MARGIN_SECONDS,
  lacksSecretRenewal,
  secretRenewalIsDue,
} from './secret-renewal.js'
import {
  clientInformationProblem,
  insecureUriProblem,
  managementUriProblem,
} from './trusted-credentials.js'
import type {
  AuthorizationServerMetadata,
  ClientMetadata,
  ClientRegistrationResponse,
  RegisterOptions,
} from './types.js'

/** Options of DcrClient. */
export interface DcrClientOptions extends HttpOptions {
  /** The authorization server's issuer identifier (RFC 8414 §2); the store's key. */
  issuer: string
  /**
   * Where credentials are kept between runs.
   * @default new MemoryCredentialStore()
   */
  store?: CredentialStore
  /**
   * The registration endpoint, for a server without discovery. When set, discover() is
   * not called.
   * @default the `registration_endpoint` of the discovered metadata
   */
  registrationEndpoint?: string
  /**
   * The clock, in milliseconds since the epoch, for secret expiry.
   * @default Date.now
   */
  now?: () => number
  /**
   * How many seconds before `client_secret_expires_at` ensureRegistered() renews the
   * secret, at the server's `{registration_client_uri}/secret` (Registrar's extension of
   * RFC 7592; see renewSecret()). A server whose secrets live shorter than this sees a
   * renewal at each ensureRegistered().
   * @default 3600 (DEFAULT_SECRET_RENEWAL_MARGIN_SECONDS)
   */
  secretRenewalMarginSeconds?: number
  /**
   * Receives warnings about stored credentials that are ignored (not client information;
   * a registration_client_uri off the registration endpoint's origin).
   * @default emitProcessWarning (process.emitWarning)
   */
  onWarning?: WarningHandler
  /**
   * Client information obtained out of band for this server (at least `client_id`, with
   * `client_secret` when one was issued). ensureClientId() answers it first, with no
   * request to the server (MCP authorization, Client Registration Approaches).
   * @default none
   */
  preRegistered?: ClientRegistrationResponse
  /**
   * The agent's Client Identifier URL, where it serves its Client ID Metadata Document
   * (createClientIdMetadataDocument, serveClientIdMetadataDocument). ensureClientId() uses
   * it as the client_id at a server whose metadata says
   * `client_id_metadata_document_supported: true`, and registers nowhere.
   * @default none (no CIMD mode)
   * @see draft-ietf-oauth-client-id-metadata-document-02 §3, §6
   */
  clientIdMetadataDocumentUrl?: string
}

/** Options of ensureRegistered(). */
export interface EnsureRegisteredOptions extends RegisterOptions {
  /**
   * Read the stored registration back from the server (RFC 7592 §2.1) and register anew
   * when it answers 401, `invalid_token` or `invalid_client`. Off, stored credentials are
   * trusted until their secret expires.
   * @default true
   */
  verify?: boolean
  /**
   * When the server's registration differs from `metadata` in a member `metadata` sets,
   * replace it (RFC 7592 §2.2), so a new version of the app keeps its client id. Needs
   * `verify`. A server that rewrites a value (normalises it) sees an update at each call.
   * @default true
   */
  updateChanged?: boolean
}

/**
 * Dynamic registration at one authorization server: discovery, register, read, update,
 * delete, each keeping the store up to date.
 * @see RFC 7591 §3; RFC 7592 §2; RFC 8414 §3
 */
export class DcrClient {
  readonly issuer: string
  readonly store: CredentialStore
  readonly #http: Required<Pick<HttpOptions, 'timeoutMs' | 'maxResponseBytes'>> & HttpOptions
  readonly #now: () => number
  readonly #onWarning: WarningHandler
  readonly #registrationEndpoint: string | undefined
  readonly #renewalMarginSeconds: number
  readonly #preRegistered: ClientRegistrationResponse | undefined
  readonly #clientIdMetadataDocumentUrl: string | undefined
  /** Set once the server answered 404 or 405 to a renewal: it has no such extension. */
  #renewalUnsupported = false
  #metadata: Promise<AuthorizationServerMetadata> | undefined

  constructor(options: DcrClientOptions) {
    this.issuer = options.issuer
    this.store = options.store ?? new MemoryCredentialStore()
    this.#http = {
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    }
    this.#now = options.now ?? Date.now
    this.#onWarning = options.onWarning ?? emitProcessWarning
    this.#registrationEndpoint = options.registrationEndpoint
    this.#renewalMarginSeconds =
      options.secretRenewalMarginSeconds ?? DEFAULT_SECRET_RENEWAL_MARGIN_SECONDS
    this.#preRegistered = checkedPreRegistered(options.preRegistered)
    this.#clientIdMetadataDocumentUrl = checkedClientIdUrl(options.clientIdMetadataDocumentUrl)
  }

  /**
   * The server's metadata, fetched once per instance (a failed attempt is not cached).
   * @see RFC 8414 §3
   */
  discover(): Promise<AuthorizationServerMetadata> {
    this.#metadata ??= discover(this.issuer, this.#http).catch((error: unknown) => {
      this.#metadata = undefined
      throw error
    })
    return this.#metadata
  }

  /**
   * The stored credentials, or undefined. An entry that is not client information (a
   * member of the wrong type) counts as none, with a warning: ensureRegistered registers
   * anew and replaces it.
   * @see RFC 7591 §3.2.1
   */
  async credentials(): Promise<ClientRegistrationResponse | undefined> {
    const stored: unknown = await this.store.load(this.issuer)
    if (stored === undefined) return undefined
    const problem = clientInformationProblem(stored)
    if (problem === undefined) return stored as ClientRegistrationResponse
    this.#onWarning(
      `the stored credentials for ${this.issuer} are ignored, they are not client information: ${problem}`,
      'REGISTRAR_CREDENTIALS_INVALID',
    )
    return undefined
  }

  /**
   * Registers a new client and stores its credentials, replacing any stored ones.
   * @see RFC 7591 §3.1
   */
  async register(
    metadata: ClientMetadata,
    options: RegisterOptions = {},
  ): Promise<ClientRegistrationResponse> {
    const endpoint = await this.#endpoint()
    const credentials = await registerClient(endpoint, metadata, { ...options, ...this.#http })
    await this.#save(credentials)
    return credentials
  }

  /**
   * Reads the stored registration from the server and stores what it answers.
   * @see RFC 7592 §2.1
   */
  async read(): Promise<ClientRegistrationResponse> {
    const current = await readClient(await this.#managed(), this.#http)
    await this.#save(current)
    return current
  }

  /**
   * Replaces the registered metadata (send all of it) and stores what the server answers,
   * including a rotated registration access token.
   * @see RFC 7592 §2.2
   */
  async update(metadata: ClientMetadata): Promise<ClientRegistrationResponse> {
    const current = await updateClient(await this.#managed(), metadata, this.#http)
    await this.#save(current)
    return current
  }

  /**
   * Asks the server for a new client secret with the registration access token, at
   * `{registration_client_uri}/secret` (Registrar's extension of RFC 7592), and stores the
   * answer; the old secret stays valid for the server's overlap. A server without the
   * extension answers 404 or 405 (DcrError). Runs exclusively, as ensureRegistered does.
   * @see RFC 7592 §2.1, §3
   */
  renewSecret(): Promise<ClientRegistrationResponse> {
    const work = () => this.#renewSecret()
    return this.store.exclusive ? this.store.exclusive(this.issuer, work) : work()
  }

  async #renewSecret(): Promise<ClientRegistrationResponse> {
    const renewed = await renewClientSecret(await this.#managed(), this.#http)
    await this.#save(renewed)
    return renewed
  }

  /**
   * Deregisters the client at the server, then forgets its credentials.
   * @see RFC 7592 §2.3
   */
  async delete(): Promise<void> {
    await deleteClient(await this.#managed(), this.#http)
    await this.store.remove(this.issuer)
  }

  /**
   * Working credentials: the stored ones, with their secret renewed first when it expires
   * within `secretRenewalMarginSeconds` and the server offers renewal (renewSecret()),
   * unless their secret has expired (`client_secret_expires_at` non-zero and past) and
   * could not be renewed, the server no longer knows them
   * (see `verify`) or they are not to be trusted (a member of the wrong type; a
   * `registration_client_uri` off the registration endpoint's origin, whose token is then
   * never sent, with a warning); then a new registration with `metadata`, stored.
   * @see RFC 7591 §3.2.1 (client_secret_expires_at); RFC 7592 §2.1 and §3
   */
  ensureRegistered(
    metadata: ClientMetadata,
    options: EnsureRegisteredOptions = {},
  ): Promise<ClientRegistrationResponse> {
    // Exclusive, so that processes sharing the store do not each register a client.
    const work = () => this.#ensureRegistered(metadata, options)
    return this.store.exclusive ? this.store.exclusive(this.issuer, work) : work()
  }

  async #ensureRegistered(
    metadata: ClientMetadata,
    options: EnsureRegisteredOptions,
  ): Promise<ClientRegistrationResponse> {
    const { verify = true, updateChanged = true, ...registerOptions } = options
    let stored = await this.credentials()
    if (stored === undefined) return this.register(metadata, registerOptions)

    // A secret about to expire, or expired, is renewed where the server can (its answer is
    // a read, so it also verifies); elsewhere what follows applies as it would without.
    const renewed = await this.#renewIfDue(stored)
    stored = renewed ?? stored
    if (this.#hasExpiredSecret(stored)) {
      await this.#deleteQuietly(stored)
      return this.register(metadata, registerOptions)
    }
    if (!verify || stored.registration_client_uri === undefined) return stored
    const problem = await this.#untrusted(stored)
    if (problem !== undefined) {
      this.#onWarning(
        `the stored credentials for ${this.issuer} are ignored and replaced: ${problem}`,
        'REGISTRAR_CREDENTIALS_UNTRUSTED',
      )
      return this.register(metadata, registerOptions)
    }
    let current: ClientRegistrationResponse
    try {
      current = renewed ?? (await this.read())
    } catch (error) {
      if (!(error instanceof DcrError) || !error.isInvalidRegistration) throw error
      return this.register(metadata, registerOptions)
    }
    return updateChanged && differsFrom(current, metadata) ? this.update(metadata) : current
  }

  /**
   * The client_id to use at this server, in the MCP authorization spec's order (Client
   * Registration Approaches): the `preRegistered` credentials, without a request; else,
   * when `clientIdMetadataDocumentUrl` is set and the server's metadata says
   * `client_id_metadata_document_supported: true`, the Client ID Metadata Document made
   * from it and `metadata` (the one to serve there), with no registration; else
   * ensureRegistered(metadata, options). Only that last approach reads or writes the
   * store: pre-registered and CIMD credentials are configuration, not state. A server
   * whose discovery fails is taken as one without CIMD when `registrationEndpoint` is
   * set; otherwise the discovery error is thrown.
   * @see draft-ietf-oauth-client-id-metadata-document-02 §6; RFC 7591 §3
   */
  async ensureClientId(
    metadata: ClientMetadata,
    options: EnsureRegisteredOptions = {},
  ): Promise<ClientIdDecision> {
    if (this.#preRegistered !== undefined) {
      return { approach: 'pre_registered', credentials: structuredClone(this.#preRegistered) }
    }
    const url = this.#clientIdMetadataDocumentUrl
    if (url !== undefined && (await this.#advertisesClientIdMetadataDocuments())) {
      const document = createClientIdMetadataDocument(url, metadata)
      return { approach: 'client_id_metadata_document', credentials: document }
    }
    const registered = await this.ensureRegistered(metadata, options)
    return { approach: 'dynamic_registration', credentials: registered }
  }

  /** Whether the server resolves https client_ids; not, when it has no discovery. */
  async #advertisesClientIdMetadataDocuments(): Promise<boolean> {
    try {
      return supportsClientIdMetadataDocuments(await this.discover())
    } catch (error) {
      if (this.#registrationEndpoint === undefined) throw error
      return false
    }
  }

  /**
   * The credentials with a renewed secret, when it is due (secretRenewalMarginSeconds) and
   * the server renews it; undefined otherwise, whatever went wrong: a server without the
   * extension (404, 405, remembered), a refused token, an untrusted URI or no answer leave
   * the stored credentials to the usual checks.
   */
  async #renewIfDue(
    stored: ClientRegistrationResponse,
  ): Promise<ClientRegistrationResponse | undefined> {
    if (this.#renewalUnsupported) return undefined
    if (!secretRenewalIsDue(stored, this.#now(), this.#renewalMarginSeconds)) return undefined
    if (stored.registration_client_uri === undefined || !stored.registration_access_token) {
      return undefined
    }
    try {
      return await this.#renewSecret()
    } catch (error) {
      if (lacksSecretRenewal(error)) this.#renewalUnsupported = true
      return undefined
    }
  }

  #hasExpiredSecret(credentials: ClientRegistrationResponse): boolean {
    const expiresAt = credentials.client_secret_expires_at
    return typeof expiresAt === 'number' && expiresAt > 0 && expiresAt * 1000 <= this.#now()
  }

  /** Best effort: an expired client should not linger, but its removal is not ours to insist on. */
  async #deleteQuietly(credentials: ClientRegistrationResponse): Promise<void> {
    if (credentials.registration_client_uri === undefined) return
    if ((await this.#untrusted(credentials)) !== undefined) return
    try {
      await deleteClient(credentials, this.#http)
    } catch {
      // The server may already have dropped it; a new registration follows either way.
    }
  }

  async #stored(): Promise<ClientRegistrationResponse> {
    const stored = await this.credentials()
    if (stored === undefined) {
      throw new DcrError(
        'not_registered',
        `no credentials are stored for ${this.issuer}; register first`,
      )
    }
    return stored
  }

  /**
   * Stores the server's answer, unless its registration_client_uri points elsewhere: the
   * next start would refuse to send the token there, and register again each time.
   */
  async #save(credentials: ClientRegistrationResponse): Promise<void> {
    const problem = await this.#untrusted(credentials)
    if (problem !== undefined) {
      throw new DcrError(
        'invalid_response',
        `the server answered client information that is not kept: ${problem}`,
        {
          body: credentials,
        },
      )
    }
    await this.store.save(this.issuer, credentials)
  }

  /** The stored credentials, once their registration access token may go where they say. */
  async #managed(): Promise<ClientRegistrationResponse> {
    const stored = await this.#stored()
    const problem = await this.#untrusted(stored)
    if (problem !== undefined) throw new DcrError('untrusted_credentials', problem)
    return stored
  }

  /** Why the credentials' registration_client_uri is not to be trusted, or undefined. */
  async #untrusted(credentials: ClientRegistrationResponse): Promise<string | undefined> {
    const uri = credentials.registration_client_uri
    return uri === undefined ? undefined : managementUriProblem(uri, await this.#endpoint())
  }

  async #endpoint(): Promise<string> {
    if (this.#registrationEndpoint !== undefined) return this.#registrationEndpoint
    const metadata = await this.discover()
    if (typeof metadata.registration_endpoint !== 'string') {
      throw new DcrError(
        'unsupported',
        `${this.issuer} publishes no registration_endpoint: it does not offer dynamic registration (RFC 8414 §2)`,
      )
    }
    // The initial access token and the client's metadata go there (RFC 7591 §3: TLS).
    const problem = insecureUriProblem(metadata.registration_endpoint, 'registration_endpoint')
    if (problem !== undefined) {
      throw new DcrError('invalid_response', `the metadata of ${this.issuer}: ${problem}`)
    }
    return metadata.registration_endpoint
  }
}

function checkedPreRegistered(
  credentials: ClientRegistrationResponse | undefined,
): ClientRegistrationResponse | undefined {
  if (credentials === undefined) return undefined
  const problem = clientInformationProblem(credentials)
  if (problem !== undefined) {
    throw new TypeError(`preRegistered is not client information: ${problem}`)
  }
  return structuredClone(credentials)
}

function checkedClientIdUrl(url: string | undefined): string | undefined {
  const problem = url === undefined ? undefined : clientIdUrlProblem(url)
  if (problem !== undefined) throw new DcrError('invalid_client_id_metadata_document', problem)
  return url
}

/** Whether a registration differs from the metadata in any member the metadata sets. */
function differsFrom(registered: ClientRegistrationResponse, metadata: ClientMetadata): boolean {
  const registeredMembers: Record<string, unknown> = registered
  // Own members only: `constructor` or `toString` in custom metadata is not Object's.
  return Object.entries(metadata).some(
    ([member, value]) =>
      value !== undefined &&
      (!Object.hasOwn(registeredMembers, member) ||
        JSON.stringify(value) !== JSON.stringify(registeredMembers[member])),
  )
}

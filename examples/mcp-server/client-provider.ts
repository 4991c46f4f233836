/**
 * The MCP client's OAuthClientProvider, kept on disk so a client started again reuses what
 * it was issued. Its registration (client_id, RFC 7591 §3.2.1) lives in Registrar's own
 * DCR credential store (registrar/client's FileCredentialStore), keyed by the
 * authorization server the SDK discovered; its tokens in tokens.json beside it. Discovery
 * state and the PKCE verifier live in memory: they last one authorization.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import { FileCredentialStore, type ClientRegistrationResponse } from '../../src/client/index.js'

export interface FileOAuthClientProviderOptions {
  /** The folder of credentials.json and tokens.json (created by the store when missing). */
  folder: string
  /** Where the authorization server sends the code (never served: the driver stops there). */
  redirectUrl: string
  /** Called with the authorization URL the user (or a test) must visit. */
  onAuthorizationUrl: (url: URL) => void | Promise<void>
}

export class FileOAuthClientProvider implements OAuthClientProvider {
  readonly #options: FileOAuthClientProviderOptions
  readonly #credentials: FileCredentialStore
  readonly #tokensPath: string
  #discovery: OAuthDiscoveryState | undefined
  #codeVerifier: string | undefined

  constructor(options: FileOAuthClientProviderOptions) {
    this.#options = options
    this.#credentials = new FileCredentialStore(join(options.folder, 'credentials.json'))
    this.#tokensPath = join(options.folder, 'tokens.json')
  }

  get redirectUrl(): string {
    return this.#options.redirectUrl
  }

  /** A public client using PKCE, as RFC 8252 and the MCP authorization spec ask. */
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Registrar MCP example client',
      redirect_uris: [this.#options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery
  }

  /** The client registered with the discovered authorization server, if any. */
  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const issuer = this.#discovery?.authorizationServerUrl
    if (issuer === undefined) return undefined
    return (await this.#credentials.load(issuer)) as OAuthClientInformationMixed | undefined
  }

  async saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    const issuer = this.#discovery?.authorizationServerUrl
    if (issuer === undefined) throw new Error('client information arrived before discovery')
    await this.#credentials.save(issuer, information as ClientRegistrationResponse)
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    try {
      return JSON.parse(await readFile(this.#tokensPath, 'utf8')) as OAuthTokens
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    await mkdir(this.#options.folder, { recursive: true, mode: 0o700 })
    await writeFile(this.#tokensPath, JSON.stringify(tokens, null, 2), { mode: 0o600 })
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    await this.#options.onAuthorizationUrl(authorizationUrl)
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier
  }

  codeVerifier(): string {
    if (this.#codeVerifier === undefined) throw new Error('no authorization in progress')
    return this.#codeVerifier
  }

  /** What the SDK asks to forget when the server refuses the client or a grant. */
  async invalidateCredentials(
    scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery',
  ): Promise<void> {
    const issuer = this.#discovery?.authorizationServerUrl
    if ((scope === 'all' || scope === 'client') && issuer !== undefined) {
      await this.#credentials.remove(issuer)
    }
    if (scope === 'all' || scope === 'tokens') await rm(this.#tokensPath, { force: true })
    if (scope === 'all' || scope === 'verifier') this.#codeVerifier = undefined
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined
  }
}

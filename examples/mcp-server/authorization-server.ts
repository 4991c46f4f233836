/**
 * The authorization server: node-oidc-provider, with Registrar doing registration through
 * the project's adapter (registrar/oidc-provider). Its Client model reads clients from
 * Registrar's API with the service token; its discovery names Registrar's registration
 * endpoint, so an MCP client that discovers this server registers there. It issues JWT
 * access tokens for the MCP server as audience (RFC 8707), signed with the key in
 * provider-keys.json, so tokens issued before a restart still verify after it. Logins and
 * consents are oidc-provider's devInteractions: any login and password pass.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { registrarAdapter, registrarConfiguration } from '../../src/oidc-provider/index.js'
import type { ProviderKeys } from './keys.js'
import type { Listener } from './listener.js'

/** The little of node-oidc-provider's API used here (the package ships no types). */
interface ProviderModule {
  default: new (
    issuer: string,
    configuration: Record<string, unknown>,
  ) => { callback(): (req: IncomingMessage, res: ServerResponse) => void }
  errors: { InvalidTarget: new (description?: string) => Error }
}
const packageName: string = 'oidc-provider'
const { default: Provider, errors } = (await import(packageName)) as ProviderModule

/** The one scope of the MCP server's tool. */
export const MCP_SCOPE = 'mcp:tools'
const ACCESS_TOKEN_TTL_SECONDS = 3600
const DAY_SECONDS = 86_400

/** Lifetimes in seconds, set so the provider does not warn about its defaults. */
const TTL = {
  AccessToken: ACCESS_TOKEN_TTL_SECONDS,
  AuthorizationCode: 60,
  Interaction: 600,
  Session: 14 * DAY_SECONDS,
  Grant: 14 * DAY_SECONDS,
  RefreshToken: 14 * DAY_SECONDS,
}

/** What the authorization server needs to know of the other two. */
export interface AuthorizationServerOptions {
  registrar: { url: string; serviceId: string; serviceToken: string }
  /** The MCP server's URL: the one resource indicator (RFC 8707) tokens are issued for. */
  resource: string
  keys: ProviderKeys
}

/** The endpoints node-oidc-provider serves under `issuer` with its default routes. */
export function endpointsOf(issuer: string) {
  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
  }
}

interface Client {
  grantTypeAllowed(grantType: string): boolean
}

/** node-oidc-provider's configuration for this example. */
function configurationOf({ registrar, resource, keys }: AuthorizationServerOptions) {
  const registration = registrarConfiguration({
    baseUrl: registrar.url,
    serviceId: registrar.serviceId,
  })
  return {
    ...registration,
    adapter: registrarAdapter({
      baseUrl: registrar.url,
      token: registrar.serviceToken,
      serviceId: registrar.serviceId,
    }),
    jwks: { keys: keys.signing },
    cookies: { keys: keys.cookies },
    scopes: ['openid', 'offline_access', MCP_SCOPE],
    ttl: TTL,
    // Anyone who signs in on the devInteractions form is an account named by the login.
    findAccount: async (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: async () => ({ sub: accountId }),
    }),
    // A refresh token for every client registered for the grant, not only with offline_access.
    issueRefreshToken: async (_ctx: unknown, client: Client) =>
      client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    features: {
      ...registration.features,
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          if (indicator !== resource)
            throw new errors.InvalidTarget(`unknown resource ${indicator}`)
          return {
            scope: MCP_SCOPE,
            audience: resource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }
        },
      },
    },
  }
}

/** Serves node-oidc-provider on `listener`, its URL being the issuer. */
export function serveAuthorizationServer(listener: Listener, options: AuthorizationServerOptions) {
  const provider = new Provider(listener.url, configurationOf(options))
  listener.serve(provider.callback())
}

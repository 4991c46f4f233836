/**
 * The MCP server's check of a bearer token: a JWT access token (RFC 9068) signed by the
 * authorization server (its keys fetched from its jwks_uri), issued by it, for this
 * server as audience (RFC 8707). No call to the authorization server per request.
 */
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js'
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js'
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js'
import { createRemoteJWKSet, jwtVerify } from 'jose'

/** A verifier for requireBearerAuth, trusting `issuer` for tokens meant for `resource`. */
export function jwtAccessTokenVerifier(issuer: string, resource: string): OAuthTokenVerifier {
  const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`))
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let claims
      try {
        ;({ payload: claims } = await jwtVerify(token, keys, {
          issuer,
          audience: resource,
          typ: 'at+jwt',
        }))
      } catch (error) {
        throw new InvalidTokenError(`access token refused: ${(error as Error).message}`)
      }
      return {
        token,
        clientId: String(claims['client_id']),
        scopes: typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [],
        expiresAt: claims.exp,
        resource: new URL(resource),
      }
    },
  }
}

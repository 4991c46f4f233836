/**
 * The MCP server: one tool, `echo`, behind OAuth. It serves its protected resource
 * metadata (RFC 9728) naming the authorization server, and answers a request without a
 * valid token 401 with `WWW-Authenticate: Bearer resource_metadata=...`, which is where
 * an MCP client starts discovery. Stateless Streamable HTTP: each POST gets a fresh
 * server and transport, so no session is lost when the server restarts.
 */
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js'
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js'
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js'
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { Request, Response } from 'express'
import { z } from 'zod'
import type { Listener } from './listener.js'
import { jwtAccessTokenVerifier } from './token-verifier.js'

/** The path of the MCP endpoint on the server. */
export const MCP_PATH = '/mcp'

function mcpServerWithTools(): McpServer {
  const server = new McpServer({ name: 'registrar-example', version: '1.0.0' })
  server.registerTool(
    'echo',
    { description: 'Says the message back', inputSchema: { message: z.string() } },
    async ({ message }, { authInfo }) => ({
      content: [{ type: 'text', text: `${message} (client ${authInfo?.clientId})` }],
    }),
  )
  return server
}

async function handleMcpPost(req: Request, res: Response): Promise<void> {
  const server = mcpServerWithTools()
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
  res.on('close', () => {
    void transport.close()
    void server.close()
  })
  await server.connect(transport)
  await transport.handleRequest(req, res, req.body)
}

/** Serves the MCP server on `listener`, trusting tokens of `issuer` with `scope`. */
export function serveMcpServer(listener: Listener, issuer: string, scope: string): void {
  const resource = `${listener.url}${MCP_PATH}`
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(resource))
  const app = createMcpExpressApp()
  app.use(
    new URL(resourceMetadataUrl).pathname,
    metadataHandler({
      resource,
      authorization_servers: [issuer],
      scopes_supported: [scope],
      resource_name: 'Registrar MCP example',
    }),
  )
  const bearer = requireBearerAuth({
    verifier: jwtAccessTokenVerifier(issuer, resource),
    requiredScopes: [scope],
    resourceMetadataUrl,
    expectedResource: new URL(resource),
  })
  app.post(MCP_PATH, bearer, (req, res, next) => {
    handleMcpPost(req, res).catch(next)
  })
  // Stateless: no SSE stream to resume (GET) and no session to end (DELETE).
  app.all(MCP_PATH, bearer, (_req, res) => {
    res.status(405).set('Allow', 'POST').end()
  })
  listener.serve(app)
}

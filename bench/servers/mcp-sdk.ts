/**
 * The MCP TypeScript SDK's registration handler (server/auth/handlers/register.js) on
 * express, with an in-memory clients store, as an MCP server mounts it. Its default rate
 * limit (20 registrations an hour per address) is off: we measure the handler.
 *
 * The SDK has no RFC 7592 endpoint, so read is a floor read on the same express app: a
 * route that finds the client in the store and answers 200 JSON (no token to check).
 */
import { createServer, type RequestListener } from 'node:http'
import { clientRegistrationHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/register.js'
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js'
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js'
import { listen } from './listen.js'
import { importUntyped } from './untyped.js'

interface Response {
  status(code: number): Response
  json(body: unknown): void
}
interface App extends RequestListener {
  get(
    path: string,
    handler: (request: { params: Record<string, string> }, response: Response) => void,
  ): void
  use(path: string, handler: unknown): void
}

const { default: express } = await importUntyped<{ default: () => App }>('express')

const clients = new Map<string, OAuthClientInformationFull>()
const clientsStore: OAuthRegisteredClientsStore = {
  getClient: (clientId) => clients.get(clientId),
  registerClient: (client) => {
    const full = client as OAuthClientInformationFull
    clients.set(full.client_id, full)
    return full
  },
}

const app = express()
// Before the handler's router, whose method filter answers 405 to anything but POST.
app.get('/register/:clientId', (request, response) => {
  const client = clients.get(request.params['clientId'])
  if (client) response.json(client)
  else response.status(404).json({ error: 'invalid_client' })
})
app.use('/register', clientRegistrationHandler({ clientsStore, rateLimit: false }))

await listen(createServer(app))

/**
 * The MCP SDK's own client, unmodified: connect over Streamable HTTP with an authProvider.
 * On the first 401 the SDK discovers (RFC 9728, then RFC 8414), registers at Registrar
 * when the provider holds no client (RFC 7591), and hands over an authorization URL
 * (PKCE S256, RFC 8707 resource); `authorize` answers it with a code, which finishAuth()
 * exchanges for tokens before connecting again.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { FileOAuthClientProvider } from './client-provider.js'

export interface ConnectOptions {
  mcpUrl: string
  /** The folder of the client's credentials.json and tokens.json. */
  folder: string
  redirectUrl: string
  /** Answers an authorization URL with the code the redirect carried. */
  authorize: (authorizationUrl: URL) => Promise<string>
}

/** A connected MCP client, authorized first when the stored tokens do not do. */
export async function connectMcpClient(options: ConnectOptions): Promise<Client> {
  let pending: Promise<string> | undefined
  const provider = new FileOAuthClientProvider({
    folder: options.folder,
    redirectUrl: options.redirectUrl,
    onAuthorizationUrl: (url) => {
      pending = options.authorize(url)
      // Awaited once connect() has failed; until then a rejection is not unhandled.
      pending.catch(() => undefined)
    },
  })
  const connect = async (transport: StreamableHTTPClientTransport) => {
    const client = new Client({ name: 'registrar-example-client', version: '1.0.0' })
    await client.connect(transport)
    return client
  }
  const transportOf = () =>
    new StreamableHTTPClientTransport(new URL(options.mcpUrl), { authProvider: provider })
  const first = transportOf()
  try {
    return await connect(first)
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || pending === undefined) throw error
  }
  await first.finishAuth(await pending)
  return connect(transportOf())
}

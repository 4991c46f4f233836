/**
 * `npm run example:mcp`: starts the three servers, then runs the MCP SDK's client once
 * against them (discovery, registration at Registrar, authorization with PKCE, the
 * `echo` tool), answering the login and consent itself. The servers keep running until
 * Ctrl-C; run it again and the client reuses its registration and tokens.
 *
 * Environment: MCP_EXAMPLE_STATE (default data/mcp-example), MCP_EXAMPLE_REGISTRAR_PORT,
 * MCP_EXAMPLE_AS_PORT, MCP_EXAMPLE_MCP_PORT (default: the ports of the last run, kept in
 * ports.json, or free ones on the first run; the client's registration is for one issuer,
 * so new ports mean a new registration),
 * MCP_EXAMPLE_REDIRECT_URL (default http://127.0.0.1:33418/callback, never served).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { answerAuthorization } from './consent.js'
import { connectMcpClient } from './mcp-client.js'
import { startExample, type Ports } from './start.js'

function portOf(name: string, last: number | undefined): number {
  const value = process.env[name] ?? String(last ?? 0)
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number, not ${value}`)
  }
  return port
}

const stateFolder = resolve(process.env['MCP_EXAMPLE_STATE'] ?? 'data/mcp-example')
const redirectUrl = process.env['MCP_EXAMPLE_REDIRECT_URL'] ?? 'http://127.0.0.1:33418/callback'
const portsPath = join(stateFolder, 'ports.json')
const lastPorts = await readFile(portsPath, 'utf8').then(
  (text) => JSON.parse(text) as Partial<Ports>,
  () => undefined,
)
const example = await startExample({
  stateFolder: join(stateFolder, 'servers'),
  ports: {
    registrar: portOf('MCP_EXAMPLE_REGISTRAR_PORT', lastPorts?.registrar),
    authorizationServer: portOf('MCP_EXAMPLE_AS_PORT', lastPorts?.authorizationServer),
    mcpServer: portOf('MCP_EXAMPLE_MCP_PORT', lastPorts?.mcpServer),
  },
})
await writeFile(portsPath, JSON.stringify(example.ports, null, 2))
console.log(
  `Registrar             ${example.registrar.url} (service ${example.registrar.state.serviceId})`,
)
console.log(`authorization server  ${example.issuer}`)
console.log(`MCP server            ${example.mcpUrl}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.stop().then(() => process.exit(0))
  })
}

const client = await connectMcpClient({
  mcpUrl: example.mcpUrl,
  folder: join(stateFolder, 'client'),
  redirectUrl,
  authorize: (url) => {
    console.log(
      `authorizing at ${url.origin}${url.pathname} (login and consent answered by the demo)`,
    )
    return answerAuthorization(url, redirectUrl)
  },
}).catch(async (error: unknown) => {
  await example.stop()
  throw error
})
const answer = await client.callTool({ name: 'echo', arguments: { message: 'hello' } })
console.log('echo:', JSON.stringify(answer.content))
await client.close()
console.log(`client state in ${join(stateFolder, 'client')}; Ctrl-C stops the servers`)

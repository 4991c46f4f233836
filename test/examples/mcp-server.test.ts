/**
 * examples/mcp-server end to end: the MCP SDK's own client against the three real servers
 * (`registrar serve` on a SQLite file, node-oidc-provider through registrar/oidc-provider,
 * the MCP server), then against the same three started again on the same ports, database
 * and keys. The client registers once: after the restart it reuses its client_id from its
 * FileCredentialStore. Needs dist/ (`npm run build`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { answerAuthorization } from '../../examples/mcp-server/consent.js'
import { connectMcpClient } from '../../examples/mcp-server/mcp-client.js'
import { startExample, type RunningExample } from '../../examples/mcp-server/start.js'

/** Never served: the test stops at the redirect and reads the code off it. */
const REDIRECT_URL = 'http://127.0.0.1:33418/callback'

async function echo(client: Client, message: string): Promise<string> {
  const answer = await client.callTool({ name: 'echo', arguments: { message } })
  assert.equal(answer.isError, undefined, JSON.stringify(answer))
  const [content] = answer.content as { type: string; text: string }[]
  return content!.text
}

describe('examples/mcp-server: the MCP SDK client, Registrar, node-oidc-provider and an MCP server', () => {
  let folder: string
  let example: RunningExample | undefined
  const authorizationUrls: URL[] = []
  const connect = () =>
    connectMcpClient({
      mcpUrl: example!.mcpUrl,
      folder: join(folder, 'client'),
      redirectUrl: REDIRECT_URL,
      authorize: (url) => {
        authorizationUrls.push(url)
        return answerAuthorization(url, REDIRECT_URL)
      },
    })
  const registeredClients = async () => {
    const { admin, state } = example!.registrar
    return (await admin.clients.list(state.serviceId)).clients.map(({ clientId }) =>
      String(clientId),
    )
  }

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'registrar-mcp-example-'))
    example = await startExample({ stateFolder: join(folder, 'servers') })
  })
  after(async () => {
    await example?.stop()
    await rm(folder, { recursive: true, force: true })
  })

  test('a request without a token is sent to the protected resource metadata, which names the provider (RFC 9728 §5.1)', async () => {
    const refused = await fetch(example!.mcpUrl, { method: 'POST' })
    assert.equal(refused.status, 401)
    const challenge = refused.headers.get('www-authenticate') ?? ''
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1]
    assert.ok(metadataUrl, challenge)
    const resource = (await (await fetch(metadataUrl)).json()) as Record<string, unknown>
    assert.equal(resource['resource'], example!.mcpUrl)
    assert.deepEqual(resource['authorization_servers'], [example!.issuer])

    const discovery = await fetch(`${example!.issuer}/.well-known/openid-configuration`)
    const metadata = (await discovery.json()) as Record<string, unknown>
    const { url, state } = example!.registrar
    assert.equal(metadata['registration_endpoint'], `${url}/${state.serviceId}/register`)
  })

  test('registers once, authorizes with PKCE, calls the tool, and keeps its client across a restart of every server', async () => {
    const first = await connect()
    const [clientId] = await registeredClients()
    assert.ok(clientId)
    assert.equal(await echo(first, 'before'), `before (client ${clientId})`)
    await first.close()

    assert.equal(authorizationUrls.length, 1)
    const [authorization] = authorizationUrls
    assert.equal(authorization!.searchParams.get('client_id'), clientId)
    assert.equal(authorization!.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(authorization!.searchParams.get('resource'), example!.mcpUrl)

    const { ports } = example!
    await example!.stop()
    example = undefined
    example = await startExample({ stateFolder: join(folder, 'servers'), ports })
    assert.deepEqual(example.ports, ports)

    // The stored access token still verifies: the provider signs with the same key.
    const again = await connect()
    assert.equal(await echo(again, 'after'), `after (client ${clientId})`)
    await again.close()
    assert.equal(authorizationUrls.length, 1)

    // A refused access token: the refresh token died with the provider's in-memory grants,
    // so the client authorizes again, with the client_id it registered before the restart.
    const tokensPath = join(folder, 'client', 'tokens.json')
    const tokens = JSON.parse(await readFile(tokensPath, 'utf8')) as Record<string, unknown>
    assert.equal(typeof tokens['refresh_token'], 'string')
    await writeFile(tokensPath, JSON.stringify({ ...tokens, access_token: 'refused' }))
    const reauthorized = await connect()
    assert.equal(await echo(reauthorized, 'again'), `again (client ${clientId})`)
    await reauthorized.close()
    assert.equal(authorizationUrls.length, 2)
    assert.equal(authorizationUrls[1]!.searchParams.get('client_id'), clientId)

    assert.deepEqual(await registeredClients(), [clientId])
  })
})

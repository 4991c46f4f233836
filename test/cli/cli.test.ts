/**
 * The `registrar` CLI as a user runs it: a child process (dist/, so `npm run build`
 * first) against a real server, checking output, --json and the exit codes.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { POLICY_PRESETS } from '../../src/wire/index.js'
import { freePort } from '../support/free-port.js'
import { MAIN, startServer, type RunningServer } from '../support/start-server.js'
import { cli, cliEnv, json } from './run-cli.js'

describe('registrar CLI against a running server', () => {
  let server: RunningServer
  let dir: string
  let api: Record<string, string>
  before(async () => {
    server = await startServer()
    dir = await mkdtemp(join(tmpdir(), 'registrar-cli-'))
    api = { REGISTRAR_URL: server.url, REGISTRAR_ADMIN_TOKEN: server.adminToken }
  })
  after(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  test('webhook create, list, deliveries and delete', async () => {
    const { apiKey } = json<{ apiKey: number }>(
      await cli(['service', 'create', '--name', 'hooks', '--json'], api),
    )
    const service = String(apiKey)
    const created = json<{ id: string; secret: string; kinds: string[] }>(
      await cli(
        [
          'webhook',
          'create',
          service,
          'https://hooks.example.com/in',
          '--kind',
          'client.created',
          '--kind',
          'authentication.failed',
          '--json',
        ],
        api,
      ),
    )
    assert.match(created.secret, /^whsec_/)
    assert.deepEqual(created.kinds, ['client.created', 'authentication.failed'])
    const table = await cli(['webhook', 'list', service], api)
    assert.equal(table.code, 0)
    assert.match(table.stdout, new RegExp(`${created.id}\\s+https://hooks.example.com/in`))
    assert.ok(!table.stdout.includes(created.secret))
    const human = await cli(['webhook', 'create', service, 'https://other.example.com/'], api)
    assert.equal(human.code, 0)
    assert.match(human.stdout, /shown once/)
    assert.match(human.stdout, /secret\s+whsec_/)
    const deliveries = json<{ deliveries: unknown[] }>(
      await cli(['webhook', 'deliveries', service, created.id, '--json'], api),
    )
    assert.deepEqual(deliveries, { deliveries: [] })
    assert.equal((await cli(['webhook', 'delete', service, created.id], api)).code, 0)
    const again = await cli(['webhook', 'delete', service, created.id], api)
    assert.equal(again.code, 1)
    const bad = await cli(['webhook', 'create', service, 'ftp://files.example.com/'], api)
    assert.equal(bad.code, 1)
  })

  test('service create and list, as JSON and as a table', async () => {
    const created = json<{ apiKey: number; serviceName: string }>(
      await cli(['service', 'create', '--name', 'cli demo', '--json'], api),
    )
    assert.equal(created.serviceName, 'cli demo')
    assert.equal(typeof created.apiKey, 'number')

    const list = json<{ services: { apiKey: number }[] }>(
      await cli(['service', 'list', '--json'], api),
    )
    assert.ok(list.services.some((s) => s.apiKey === created.apiKey))

    const table = await cli(['service', 'list'], api)
    assert.equal(table.code, 0)
    assert.match(table.stdout, /SERVICE_ID\s+NAME/)
    assert.match(table.stdout, new RegExp(`${created.apiKey}\\s+cli demo`))
  })

  test('service update changes a setting and keeps the rest', async () => {
    const { apiKey } = json<{ apiKey: number }>(
      await cli(['service', 'create', '--name', 'keep', '--json'], api),
    )
    const updated = json<{
      serviceName: string
      clientSecretLifetime: number
      initialAccessTokenRequired: boolean
      allowPrivateNetworkUris: boolean
    }>(
      await cli(
        [
          'service',
          'update',
          String(apiKey),
          '--client-secret-lifetime',
          '600',
          '--initial-access-token-required',
          '--allow-private-network-uris',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(updated.serviceName, 'keep')
    assert.equal(updated.clientSecretLifetime, 600)
    const rotating = json<{
      registrationAccessTokenRotation: string
      registrationAccessTokenGrace: number
      clientSecretLifetime: number
    }>(
      await cli(
        [
          'service',
          'update',
          String(apiKey),
          '--registration-access-token-rotation',
          'on_update',
          '--registration-access-token-grace',
          '15',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(rotating.registrationAccessTokenRotation, 'on_update')
    assert.equal(rotating.registrationAccessTokenGrace, 15)
    assert.equal(rotating.clientSecretLifetime, 600)
    const unknown = await cli(
      ['service', 'update', String(apiKey), '--registration-access-token-rotation', 'always'],
      api,
    )
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /never, on_update, on_use/)
    assert.equal(updated.initialAccessTokenRequired, true)
    assert.equal(updated.allowPrivateNetworkUris, true)
  })

  test('service create and update set the Client ID Metadata Document settings; an update without them keeps them', async () => {
    const created = json<{
      apiKey: number
      clientIdMetadataDocumentSupported: boolean
      clientIdMetadataDocumentHosts: string[]
      clientIdMetadataDocumentCacheMinSeconds: number
    }>(
      await cli(
        [
          'service',
          'create',
          '--name',
          'cimd',
          '--client-id-metadata-documents',
          '--client-id-metadata-document-host',
          'example.com',
          '--client-id-metadata-document-host',
          'https://agents.example.org/clients/',
          '--client-id-metadata-document-cache-min',
          '60',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(created.clientIdMetadataDocumentSupported, true)
    assert.deepEqual(created.clientIdMetadataDocumentHosts, [
      'example.com',
      'https://agents.example.org/clients/',
    ])
    assert.equal(created.clientIdMetadataDocumentCacheMinSeconds, 60)
    const kept = json<typeof created & { clientIdMetadataDocumentCacheMaxSeconds: number }>(
      await cli(
        [
          'service',
          'update',
          String(created.apiKey),
          '--client-id-metadata-document-cache-max',
          '120',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(kept.clientIdMetadataDocumentSupported, true)
    assert.equal(kept.clientIdMetadataDocumentHosts.length, 2)
    assert.equal(kept.clientIdMetadataDocumentCacheMaxSeconds, 120)
    const off = json<typeof created>(
      await cli(
        [
          'service',
          'update',
          String(created.apiKey),
          '--no-client-id-metadata-documents',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(off.clientIdMetadataDocumentSupported, false)
    const inverted = await cli(
      [
        'service',
        'update',
        String(created.apiKey),
        '--client-id-metadata-document-cache-min',
        '121',
      ],
      api,
    )
    assert.notEqual(inverted.code, 0)
    assert.match(inverted.stderr, /must not exceed/)
  })

  test('--client-id-metadata-document-change-approval sets the setting; client document versions and approve reach the API', async () => {
    const held = json<{ apiKey: number; clientIdMetadataDocumentChangeApproval: boolean }>(
      await cli(
        [
          'service',
          'create',
          '--client-id-metadata-documents',
          '--client-id-metadata-document-change-approval',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(held.clientIdMetadataDocumentChangeApproval, true)
    const serviceId = String(held.apiKey)
    const kept = json<typeof held>(
      await cli(['service', 'update', serviceId, '--name', 'renamed', '--json'], api),
    )
    assert.equal(kept.clientIdMetadataDocumentChangeApproval, true)
    const off = json<typeof held>(
      await cli(
        [
          'service',
          'update',
          serviceId,
          '--no-client-id-metadata-document-change-approval',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(off.clientIdMetadataDocumentChangeApproval, false)

    const url = 'https://agent.example/client.json'
    assert.deepEqual(
      json(
        await cli(
          ['client', 'document', 'versions', serviceId, '--document-url', url, '--json'],
          api,
        ),
      ),
      { url, versions: [] },
    )
    const unknown = await cli(
      ['client', 'document', 'approve', serviceId, '--document-url', url, '--version', '1'],
      api,
    )
    assert.equal(unknown.code, 1, unknown.stderr)
    assert.match(unknown.stderr, /No version 1 of the client ID metadata document/)
  })

  test('service policy set replaces the policy from a file or stdin, and get prints it as JSON', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const serviceId = String(apiKey)
    assert.deepEqual(json(await cli(['service', 'policy', 'get', serviceId], api)), {})

    const policy = { scopes: ['mcp:tools'], redirectUris: { loopback: false } }
    const file = join(dir, 'policy.json')
    await writeFile(file, JSON.stringify(policy))
    assert.deepEqual(
      json(await cli(['service', 'policy', 'set', serviceId, '--file', file], api)),
      policy,
    )
    assert.deepEqual(json(await cli(['service', 'policy', 'get', serviceId], api)), policy)

    const piped = { grantTypes: ['authorization_code'] }
    const child = execFile(
      process.execPath,
      [MAIN, 'service', 'policy', 'set', serviceId, '--file', '-'],
      { env: cliEnv(api) },
    )
    child.stdin?.end(JSON.stringify(piped))
    let stdout = ''
    child.stdout?.on('data', (chunk: string) => (stdout += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 0)
    assert.deepEqual(JSON.parse(stdout), piped)
    assert.deepEqual(json(await cli(['service', 'policy', 'get', serviceId], api)), piped)
  })

  test('service policy set exits 1 naming the field of a refused document, 2 for a file that is no JSON object', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const serviceId = String(apiKey)
    const refused = join(dir, 'refused-policy.json')
    await writeFile(refused, JSON.stringify({ grantTypes: ['magic'] }))
    const outcome = await cli(['service', 'policy', 'set', serviceId, '--file', refused], api)
    assert.equal(outcome.code, 1)
    assert.match(outcome.stderr, /400/)
    assert.match(outcome.stderr, /policy\.grantTypes/)
    assert.equal(outcome.stdout, '')
    assert.deepEqual(json(await cli(['service', 'policy', 'get', serviceId], api)), {})

    const notJson = join(dir, 'not-json-policy.json')
    await writeFile(notJson, '[1, 2]')
    const usage = await cli(['service', 'policy', 'set', serviceId, '--file', notJson], api)
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /--file/)
    const missing = await cli(['service', 'policy', 'set', serviceId], api)
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /--file/)
  })

  test('service policy set --preset starts from a preset, which --file members replace; an unknown preset exits 2', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const serviceId = String(apiKey)
    assert.deepEqual(
      json(await cli(['service', 'policy', 'set', serviceId, '--preset', 'mcp'], api)),
      POLICY_PRESETS.mcp,
    )
    const file = join(dir, 'preset-overrides.json')
    await writeFile(file, JSON.stringify({ pkce: 'required', scopes: ['mcp:tools'] }))
    assert.deepEqual(
      json(
        await cli(['service', 'policy', 'set', serviceId, '--preset', 'mcp', '--file', file], api),
      ),
      { ...POLICY_PRESETS.mcp, pkce: 'required', scopes: ['mcp:tools'] },
    )
    const unknown = await cli(['service', 'policy', 'set', serviceId, '--preset', 'open'], api)
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /mcp, fapi2, internal/)
  })

  test('doctor replays the real clients as dry runs: all register on a default service; under fapi2 it names who is refused and why, and exits 1', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const serviceId = String(apiKey)
    const open = await cli(['doctor', '--service', serviceId], api)
    assert.equal(open.code, 0, open.stderr)
    assert.match(open.stdout, /27 of 27 real clients register; 0 refused/)
    assert.match(open.stdout, /Claude Code \(CLI\)[^\n]*registers/)

    await cli(['service', 'policy', 'set', serviceId, '--preset', 'fapi2'], api)
    const strict = await cli(['doctor', '--service', serviceId], api)
    assert.equal(strict.code, 1)
    assert.match(
      strict.stdout,
      /Claude Code \(CLI\)[^\n]*REFUSED[^\n]*tokenEndpointAuthMethodIsSupported/,
    )
    const asJson = await cli(['doctor', '--service', serviceId, '--json'], api)
    assert.equal(asJson.code, 1)
    const findings = JSON.parse(asJson.stdout) as {
      id: string
      registers: boolean
      violations?: { rule: string }[]
    }[]
    assert.equal(findings.length, 27)
    const cursor = findings.find((finding) => finding.id === 'cursor-dcr')
    assert.equal(cursor?.registers, false)
    assert.ok(cursor?.violations?.some(({ rule }) => rule === 'loopbackRedirectIsAllowed'))
    // Nothing was registered by either run.
    const clients = json<{ totalCount: number }>(
      await cli(['client', 'list', serviceId, '--json'], api),
    )
    assert.equal(clients.totalCount, 0)
  })

  test('token create issues service tokens and initial access tokens', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const serviceToken = json<{ id: string; token: string }>(
      await cli(['token', 'create', String(apiKey), '--description', 'ci', '--json'], api),
    )
    assert.ok(serviceToken.token)
    const scoped = await cli(['service', 'get', String(apiKey), '--json'], {
      ...api,
      REGISTRAR_ADMIN_TOKEN: serviceToken.token,
    })
    assert.equal(json<{ apiKey: number }>(scoped).apiKey, apiKey)

    const initial = json<{ id: string; token: string; maxUses: number; expiresAt: number }>(
      await cli(
        [
          'token',
          'create',
          String(apiKey),
          '--initial',
          '--max-uses',
          '1',
          '--expires-in',
          '3600',
          '--json',
        ],
        api,
      ),
    )
    assert.equal(initial.maxUses, 1)
    assert.ok(initial.expiresAt > Date.now())
    const listed = json<{ tokens: { id: string }[] }>(
      await cli(['token', 'list', String(apiKey), '--json'], api),
    )
    assert.deepEqual(
      listed.tokens.map((t) => t.id),
      [initial.id],
    )

    const human = await cli(['token', 'create', String(apiKey), '--initial'], api)
    assert.equal(human.code, 0)
    assert.match(human.stdout, /shown once/)
  })

  test('client secret refresh and update rotate a secret; --client-secret-rotation-overlap keeps the old one working', async () => {
    const { apiKey, clientSecretRotationOverlap } = json<{
      apiKey: number
      clientSecretRotationOverlap: number
    }>(await cli(['service', 'create', '--client-secret-rotation-overlap', '600', '--json'], api))
    assert.equal(clientSecretRotationOverlap, 600)
    const service = String(apiKey)
    const kept = json<{ clientSecretRotationOverlap: number }>(
      await cli(['service', 'update', service, '--name', 'renamed', '--json'], api),
    )
    assert.equal(kept.clientSecretRotationOverlap, 600)
    const bad = await cli(
      ['service', 'update', service, '--client-secret-rotation-overlap', 'x'],
      api,
    )
    assert.equal(bad.code, 2)

    const response = await fetch(`${server.url}/${apiKey}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'] }),
    })
    const { client_id: clientId, client_secret: first } = (await response.json()) as {
      client_id: string
      client_secret: string
    }
    const refreshed = await cli(['client', 'secret', 'refresh', service, clientId], api)
    assert.equal(refreshed.code, 0, refreshed.stderr)
    const second = refreshed.stdout.trim()
    assert.match(second, /^[A-Za-z0-9_-]{43}$/)
    assert.notEqual(second, first)

    const child = execFile(
      process.execPath,
      [MAIN, 'client', 'secret', 'update', service, clientId, '--secret', '-', '--json'],
      { env: cliEnv(api) },
    )
    child.stdin?.end('cli-Chosen_secret\n')
    let stdout = ''
    child.stdout?.on('data', (chunk: string) => (stdout += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 0)
    const updated = JSON.parse(stdout) as { newClientSecret: string; oldClientSecret: string }
    assert.equal(updated.newClientSecret, 'cli-Chosen_secret')
    assert.equal(updated.oldClientSecret, second)

    const secretFile = join(dir, 'rotated-secret.txt')
    for (const [secret, works] of [
      ['cli-Chosen_secret', true],
      [second, true],
      [first, false],
    ] as const) {
      await writeFile(secretFile, secret)
      const checked = await cli(
        ['client', 'authenticate', service, clientId, '--secret', secretFile],
        api,
      )
      assert.equal(checked.code, works ? 0 : 1, `${secret}: ${checked.stderr}`)
    }
    await writeFile(secretFile, 'not base64url!')
    const refused = await cli(
      ['client', 'secret', 'update', service, clientId, '--secret', secretFile],
      api,
    )
    assert.equal(refused.code, 1)
    const missing = await cli(['client', 'secret', 'update', service, clientId], api)
    assert.equal(missing.code, 2)
  })

  test('client list, get, authenticate and delete, token delete and service delete', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const service = String(apiKey)
    const response = await fetch(`${server.url}/${apiKey}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'listed', redirect_uris: ['https://app.example/cb'] }),
    })
    const registered = (await response.json()) as {
      client_id: string
      client_secret: string
      registration_access_token: string
    }
    const clientId = registered.client_id

    const listed = json<{ totalCount: number; clients: { clientId: number }[] }>(
      await cli(['client', 'list', service, '--json'], api),
    )
    assert.equal(listed.totalCount, 1)
    assert.equal(String(listed.clients[0].clientId), clientId)
    const table = await cli(['client', 'list', service], api)
    assert.match(table.stdout, new RegExp(`${clientId}\\s+listed\\s+CONFIDENTIAL`))
    const got = json<{ clientName: string; dynamicallyRegistered: boolean }>(
      await cli(['client', 'get', service, clientId, '--json'], api),
    )
    assert.equal(got.clientName, 'listed')
    assert.equal(got.dynamicallyRegistered, true)

    const secretFile = join(dir, 'secret.txt')
    await writeFile(secretFile, registered.client_secret)
    const authenticated = json<{ clientId: number; clientSecret?: string }>(
      await cli(
        ['client', 'authenticate', service, clientId, '--secret', secretFile, '--json'],
        api,
      ),
    )
    assert.equal(String(authenticated.clientId), clientId)
    assert.equal(authenticated.clientSecret, undefined)
    await writeFile(secretFile, 'not the secret')
    const refused = await cli(
      ['client', 'authenticate', service, clientId, '--secret', secretFile],
      api,
    )
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /the client credentials do not match/)
    const neither = await cli(['client', 'authenticate', service, clientId], api)
    assert.equal(neither.code, 2)
    assert.match(neither.stderr, /--secret or --assertion/)

    const shown = await cli(['client', 'reissue-token', service, clientId], api)
    assert.match(shown.stdout, /registrationAccessToken\s+\S{43}/)
    assert.match(shown.stdout, /not shown again/)
    const withOld = await fetch(`${server.url}/${apiKey}/register/${clientId}`, {
      headers: { authorization: `Bearer ${registered.registration_access_token}` },
    })
    assert.equal(withOld.status, 401, 'a reissue ends every earlier token')
    const reissued = json<{ clientId: number; registrationAccessToken: string }>(
      await cli(['client', 'reissue-token', service, clientId, '--json'], api),
    )
    assert.equal(String(reissued.clientId), clientId)
    registered.registration_access_token = reissued.registrationAccessToken

    const deleted = await cli(['client', 'delete', service, clientId], api)
    assert.equal(deleted.code, 0)
    // The registration access token stops working with the client (RFC 7592 §2.3).
    const read = await fetch(`${server.url}/${apiKey}/register/${clientId}`, {
      headers: { authorization: `Bearer ${registered.registration_access_token}` },
    })
    assert.equal(read.status, 401)
    const gone = await cli(['client', 'get', service, clientId, '--json'], api)
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, /no client/)
    // Within the service's restore window (7 days by default) it comes back with its token.
    const restored = await cli(['client', 'restore', service, clientId], api)
    assert.equal(restored.code, 0, restored.stderr)
    assert.equal(restored.stdout, `restored client ${clientId}\n`)
    const readAgain = await fetch(`${server.url}/${apiKey}/register/${clientId}`, {
      headers: { authorization: `Bearer ${registered.registration_access_token}` },
    })
    assert.equal(readAgain.status, 200)
    const twice = await cli(['client', 'restore', service, clientId], api)
    assert.equal(twice.code, 1)
    assert.match(twice.stderr, /no deleted client/)
    const orphans = await cli(
      ['clients', 'orphans', '--service', service, '--older-than', '0'],
      api,
    )
    assert.equal(orphans.code, 0, orphans.stderr)
    assert.match(orphans.stdout, /^Never used \(\d+\):/)
    assert.match(orphans.stdout, /Same software_id \(\d+ groups\):/)
    const report = json<{ neverUsed: { count: number }; complete: boolean }>(
      await cli(['clients', 'orphans', '--service', service, '--json'], api),
    )
    assert.equal(report.complete, true)
    const lifecycle = json<{ clientIdleLifetime: number; clientRestoreWindow: number }>(
      await cli(
        [
          'service',
          'update',
          service,
          '--client-idle-lifetime',
          '2592000',
          '--client-restore-window',
          '0',
          '--json',
        ],
        api,
      ),
    )
    assert.deepEqual([lifecycle.clientIdleLifetime, lifecycle.clientRestoreWindow], [2592000, 0])
    assert.equal((await cli(['client', 'delete', service, clientId], api)).code, 0)

    const initial = json<{ id: string }>(
      await cli(['token', 'create', service, '--initial', '--json'], api),
    )
    assert.equal((await cli(['token', 'delete', service, initial.id], api)).code, 0)
    const tokens = json<{ tokens: unknown[] }>(await cli(['token', 'list', service, '--json'], api))
    assert.deepEqual(tokens.tokens, [])

    // Service API tokens: with an expiry, listed with --api, revoked with --api.
    const apiToken = json<{ id: string; expiresAt: number }>(
      await cli(['token', 'create', service, '--expires-in', '3600', '--json'], api),
    )
    assert.ok(apiToken.expiresAt > Date.now())
    const apiTokens = json<{ tokens: { id: string }[] }>(
      await cli(['token', 'list', service, '--api', '--json'], api),
    )
    assert.deepEqual(
      apiTokens.tokens.map((t) => t.id),
      [apiToken.id],
    )
    assert.match((await cli(['token', 'list', service, '--api'], api)).stdout, /LAST_USED/)
    assert.equal((await cli(['token', 'delete', service, apiToken.id, '--api'], api)).code, 0)
    const afterRevoke = json<{ tokens: unknown[] }>(
      await cli(['token', 'list', service, '--api', '--json'], api),
    )
    assert.deepEqual(afterRevoke.tokens, [])

    assert.equal((await cli(['service', 'delete', service], api)).code, 0)
    assert.equal((await cli(['service', 'get', service, '--json'], api)).code, 1)
  })

  test('register with a metadata file, then registration read, update and delete (RFC 7591, RFC 7592)', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const issuer = `${server.url}/${apiKey}`
    const metadataFile = join(dir, 'metadata.json')
    const credentials = join(dir, 'credentials.json')
    const metadata = { client_name: 'cli agent', redirect_uris: ['http://127.0.0.1:8765/callback'] }
    await writeFile(metadataFile, JSON.stringify(metadata))

    const registered = json<{
      client_id: string
      client_secret: string
      registration_access_token: string
    }>(
      await cli([
        'register',
        '--issuer',
        issuer,
        '--metadata',
        metadataFile,
        '--credentials',
        credentials,
        '--json',
      ]),
    )
    assert.match(registered.client_id, /^\d+$/)
    assert.ok(registered.client_secret)
    assert.equal((await stat(credentials)).mode & 0o777, 0o600)
    const file = JSON.parse(await readFile(credentials, 'utf8')) as {
      credentials: Record<string, { client_id: string }>
    }
    assert.equal(file.credentials[issuer]?.client_id, registered.client_id)

    const read = json<{ client_id: string; client_name: string }>(
      await cli(['registration', 'read', '--credentials', credentials, '--json']),
    )
    assert.equal(read.client_id, registered.client_id)
    assert.equal(read.client_name, 'cli agent')

    await writeFile(metadataFile, JSON.stringify({ ...metadata, client_name: 'renamed' }))
    const updated = await cli([
      'registration',
      'update',
      '--metadata',
      metadataFile,
      '--credentials',
      credentials,
    ])
    assert.equal(updated.code, 0, updated.stderr)
    assert.match(updated.stdout, /client_name\s+renamed/)

    const reused = json<{ client_id: string }>(
      await cli([
        'register',
        '--issuer',
        issuer,
        '--metadata',
        metadataFile,
        '--credentials',
        credentials,
        '--if-needed',
        '--json',
      ]),
    )
    assert.equal(reused.client_id, registered.client_id)

    const clients = json<{ clients: { clientId: number }[] }>(
      await cli(['client', 'list', String(apiKey), '--json'], api),
    )
    assert.deepEqual(
      clients.clients.map((c) => String(c.clientId)),
      [registered.client_id],
    )

    const deleted = await cli(['registration', 'delete', '--credentials', credentials])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.match(deleted.stdout, new RegExp(`deleted client ${registered.client_id}`))

    const again = await cli(['registration', 'read', '--credentials', credentials])
    assert.equal(again.code, 2)
    assert.match(again.stderr, /registrar register/)
  })

  test('register reads metadata from stdin with -', async () => {
    const { apiKey } = json<{ apiKey: number }>(await cli(['service', 'create', '--json'], api))
    const credentials = join(dir, 'stdin.json')
    const child = execFile(
      process.execPath,
      [
        MAIN,
        'register',
        '--issuer',
        `${server.url}/${apiKey}`,
        '--metadata',
        '-',
        '--credentials',
        credentials,
        '--json',
      ],
      { env: cliEnv() },
    )
    child.stdin?.end(
      JSON.stringify({
        client_name: 'piped',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/cb'],
      }),
    )
    let stdout = ''
    child.stdout?.on('data', (chunk: string) => (stdout += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 0)
    const registered = JSON.parse(stdout) as { client_name: string; client_secret?: string }
    assert.equal(registered.client_name, 'piped')
    assert.equal(registered.client_secret, undefined)
  })

  test('exits 1 with advice for a token the server refuses', async () => {
    const outcome = await cli(['service', 'list'], { ...api, REGISTRAR_ADMIN_TOKEN: 'wrong' })
    assert.equal(outcome.code, 1)
    assert.match(outcome.stderr, /401/)
    assert.match(outcome.stderr, /--token/)
    assert.equal(outcome.stdout, '')
  })

  test('exits 1 when registration is refused (invalid_token without the required initial access token)', async () => {
    const { apiKey } = json<{ apiKey: number }>(
      await cli(['service', 'create', '--initial-access-token-required', '--json'], api),
    )
    const metadataFile = join(dir, 'refused.json')
    await writeFile(metadataFile, '{"client_name":"x"}')
    const outcome = await cli([
      'register',
      '--issuer',
      `${server.url}/${apiKey}`,
      '--metadata',
      metadataFile,
      '--credentials',
      join(dir, 'refused-credentials.json'),
    ])
    assert.equal(outcome.code, 1)
    assert.match(outcome.stderr, /invalid_token/)
  })

  test('exits 2 for usage errors: an unknown option, a missing required flag, no token, a bad number', async () => {
    const unknown = await cli(['service', 'list', '--no-such-flag'], api)
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /unknown option/)

    const missing = await cli(['register', '--issuer', server.url])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /--metadata/)

    const noToken = await cli(['service', 'list'], { REGISTRAR_URL: server.url })
    assert.equal(noToken.code, 2)
    assert.match(noToken.stderr, /REGISTRAR_ADMIN_TOKEN/)

    const badNumber = await cli(['token', 'create', '1', '--initial', '--max-uses', 'many'], api)
    assert.equal(badNumber.code, 2)
    assert.match(badNumber.stderr, /--max-uses/)

    const unknownCommand = await cli(['no-such-command'])
    assert.equal(unknownCommand.code, 2)
  })
})

describe('registrar CLI without a server', () => {
  test('exits 3 when the server cannot be reached', async () => {
    const port = await freePort()
    const outcome = await cli(['service', 'list'], {
      REGISTRAR_URL: `http://127.0.0.1:${port}`,
      REGISTRAR_ADMIN_TOKEN: 'any',
    })
    assert.equal(outcome.code, 3)
    assert.match(outcome.stderr, /--url/)
  })

  test('exits 3 when the issuer to register at cannot be reached', async () => {
    const port = await freePort()
    const dir = await mkdtemp(join(tmpdir(), 'registrar-cli-'))
    try {
      await writeFile(join(dir, 'm.json'), '{}')
      const outcome = await cli(
        ['register', '--issuer', `http://127.0.0.1:${port}/1`, '--metadata', join(dir, 'm.json')],
        {},
        dir,
      )
      assert.equal(outcome.code, 3)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('the built command prints the exit codes in the root --help and an example in serve --help (help.test.ts walks every command)', async () => {
    const root = await cli(['--help'])
    assert.equal(root.code, 0)
    assert.match(
      root.stdout,
      /Exit codes:[\s\S]*0\s+success[\s\S]*1[\s\S]*2\s+usage error[\s\S]*3\s+network error/,
    )
    const serve = await cli(['serve', '--help'])
    assert.equal(serve.code, 0)
    assert.match(serve.stdout, /Examples:\n {2}registrar serve /)
  })
})

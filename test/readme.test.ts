/**
 * The README's examples hold: the engine example is cut out of README.md, written beside the
 * package (so `import … from 'registrar'` resolves to this package) and run with node; the
 * example policy document is given to a real engine.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createEngine, MemoryStore } from '../src/engine/index.js'
import { dcrRequests } from './support/corpus.js'

const root = new URL('../', import.meta.url)

test('the engine example of the README registers a client', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8')
  const section = readme.slice(readme.indexOf('## Using the engine as a library'))
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(example, 'the section has a ts example')
  const file = new URL('dist/readme-example.mjs', root)
  await writeFile(file, example)
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(file)])
    assert.match(stdout, /^CREATED 201 \{/)
    assert.match(stdout, /registration_access_token/)
  } finally {
    await rm(file, { force: true })
  }
})

/** A service on an engine of its own, under the first json example of a README section. */
async function servicePolicedBy(heading: string) {
  const readme = await readFile(new URL('README.md', root), 'utf8')
  const section = readme.slice(readme.indexOf(heading))
  const example = /```json\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(example, `${heading} has a json example`)
  const document: unknown = JSON.parse(example)
  const engine = createEngine({ store: new MemoryStore(), baseUrl: 'https://as.example.com' })
  const created = await engine.createService({ serviceName: 'mcp' })
  const service = await engine.replacePolicy(created.apiKey, document)
  return { engine, service, document }
}

test('the policy example of the README is accepted, and the MCP hosts it names register under it', async () => {
  const { engine, service, document } = await servicePolicedBy(
    '### Example: the authorization server of an MCP',
  )
  assert.deepEqual(service.policy, document)

  const register = (body: Record<string, unknown>) =>
    engine.register(service, { json: JSON.stringify(body) })
  for (const id of ['claude-code-dcr', 'vscode-dcr', 'cursor-dcr', 'codex-dcr', 'mcp-remote-dcr']) {
    const entry = dcrRequests.find((candidate) => candidate.id === id)
    assert.ok(entry, id)
    const decision = await register(entry.body)
    assert.equal(decision.action, 'CREATED', `${id}: ${JSON.stringify(decision.body)}`)
  }
  const claudeCode = dcrRequests.find((entry) => entry.id === 'claude-code-dcr')!
  assert.equal(((await register(claudeCode.body)).body as { scope?: string }).scope, 'mcp:read')

  const unlisted = await register({
    redirect_uris: ['https://mcp-host.example.net/callback'],
    token_endpoint_auth_method: 'none',
  })
  assert.equal(unlisted.action, 'BAD_REQUEST')
  assert.equal((unlisted.body as { error?: string }).error, 'invalid_redirect_uri')
})

test('the probation example of the README is accepted, and holds anonymous clients to it', async () => {
  const { engine, service } = await servicePolicedBy('### Probation')
  const body = { redirect_uris: ['http://127.0.0.1:33418/cb'], token_endpoint_auth_method: 'none' }
  const register = (scope: string | undefined, initialAccessToken?: string) =>
    engine.register(service, { json: JSON.stringify({ ...body, scope }), initialAccessToken })
  const anonymous = await register(undefined)
  assert.equal(anonymous.action, 'CREATED')
  assert.equal((anonymous.body as { scope?: string }).scope, 'mcp:read')
  assert.equal((await register('mcp:read mcp:write')).action, 'BAD_REQUEST')
  const { token } = await engine.createInitialAccessToken(service.apiKey, {})
  assert.equal((await register('mcp:read mcp:write', token)).action, 'CREATED')
})

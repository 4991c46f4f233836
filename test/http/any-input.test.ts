/**
 * No input crashes the process or corrupts a stored client (CONTRACT.md "Bad input"):
 * arbitrary bodies, as JSON values and as raw text, sent to every surface that takes one,
 * get a JSON answer with an expected status and never a 5xx, and a client registered first
 * reads back exactly as it was. The strings include U+0000 and unpaired surrogates, the
 * values deep nesting and numbers outside every range or that JSON.parse alters; on SQLite
 * and on the real PostgreSQL, whose text columns cannot hold U+0000.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { Api, call } from '../support/http.js'
import { createTestSchema } from '../support/postgres.js'
import { startServer, type RunningServer } from '../support/start-server.js'

/** Characters no store keeps as sent, mixed with ordinary text. */
const hostileChar = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '~', '/'),
  fc.string({ minLength: 1, maxLength: 1 }),
)
const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: hostileChar, maxLength: 20 }),
)
/** Numbers at and past the edges of every documented range. */
const edgeNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, -1, 0, 2 ** 31 - 1, 2 ** 31, 3e9, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300),
)
/** JSON values whose strings, names and numbers are hostile. */
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    edgeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
}))
/** Members every surface reads, so hostile values reach the checks behind the shapes. */
const MEMBERS = [
  'redirect_uris',
  'client_name',
  'software_id',
  'contacts',
  'jwks',
  'default_max_age',
  'scope',
  'grant_types',
  'description',
  'maxUses',
  'expiresIn',
  'serviceName',
  'clientSecretLifetime',
  'clientSecretRotationOverlap',
  'accessTokenDuration',
  'clientName',
  'defaultMaxAge',
  'json',
  'clientId',
  'token',
]
const member = fc.oneof(fc.constantFrom(...MEMBERS), hostileString)
/** Number tokens JSON.parse alters or that overflow, spliced in as raw text. */
const rawNumber = fc.constantFrom('1e-400', '-0', '1e400', '9007199254740993', '-0.0', '3000000000')
const nesting = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

const texts = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
  fc.string({ maxLength: 200 }),
  fc.dictionary(member, hostileValue, { maxKeys: 5 }).map((value) => JSON.stringify(value)),
  fc.tuple(member, rawNumber).map(([name, token]) => `{${JSON.stringify(name)}:${token}}`),
  // Deep nesting, up to the 60 KB of 30,000 levels, in a member and inside a JWK.
  fc
    .tuple(member, fc.integer({ min: 1, max: 30_000 }))
    .map(([name, levels]) => `{${JSON.stringify(name)}:${nesting(levels)}}`),
  fc
    .integer({ min: 1, max: 30_000 })
    .map(
      (levels) =>
        `{"redirect_uris":["https://a.example/cb"],"jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","ext":${nesting(levels)}}]}}`,
    ),
)

/**
 * Percent-encodes text for a query, a lone surrogate as its three WTF-8 bytes (which is
 * not UTF-8: the server must cope with it too); encodeURIComponent throws on one.
 */
function encodeQueryValue(text: string): string {
  let encoded = ''
  for (const char of text) {
    const code = char.charCodeAt(0)
    const lone = char.length === 1 && code >= 0xd800 && code <= 0xdfff
    encoded += lone
      ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          .map((byte) => `%${byte.toString(16).toUpperCase()}`)
          .join('')
      : encodeURIComponent(char)
  }
  return encoded
}

const backends: { name: string; create(): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  { name: 'SQLite', create: async () => ({ url: ':memory:', drop: async () => {} }) },
  { name: 'PostgreSQL', create: createTestSchema },
]

for (const backend of backends) {
  describe(`any input on ${backend.name}`, () => {
    let database: Awaited<ReturnType<(typeof backends)[number]['create']>> | undefined
    let server: RunningServer
    let serviceId: string
    /** A service the arbitrary service updates go to, so they cannot close the other. */
    let scratchServiceId: string
    let client: { client_id: string; registration_access_token: string }
    let original: string

    before(async () => {
      database = await backend.create()
      server = await startServer({ database: database.url })
      const api = new Api(server.url, server.adminToken)
      serviceId = await api.createService()
      scratchServiceId = await api.createService()
      const registered = await call(`${server.url}/${serviceId}/register`, {
        method: 'POST',
        body: { client_name: 'keeper', redirect_uris: ['https://app.example.com/cb'] },
      })
      client = registered.json
      original = registered.text
    })

    after(async () => {
      await server?.stop()
      await database?.drop()
    })

    /** Sends raw text as the body, with a JSON content type. */
    function send(path: string, method: string, text: string, token?: string) {
      return call(`${server.url}${path}`, {
        method,
        token,
        headers: { 'content-type': 'application/json' },
        body: text,
      })
    }

    test('any body or query on any surface gets an expected JSON answer, never a 5xx, and stored clients are untouched', async () => {
      await fc.assert(
        fc.asyncProperty(texts, hostileString, async (text, query) => {
          const admin = server.adminToken
          const api = `/api/${serviceId}`
          const answers = [
            await send(`/${serviceId}/register`, 'POST', text),
            await send(`/${serviceId}/register/${client.client_id}`, 'PUT', text, 'not-the-token'),
            await send(`${api}/client/registration`, 'POST', text, admin),
            await send(`${api}/client/registration`, 'POST', JSON.stringify({ json: text }), admin),
            await send(`${api}/client/create`, 'POST', text, admin),
            await send(`${api}/initial_access_token/create`, 'POST', text, admin),
            await send(`${api}/token/create`, 'POST', text, admin),
            await send(`/api/${scratchServiceId}/service/update`, 'POST', text, admin),
            await call(`${server.url}${api}/client/get/list?developer=${encodeQueryValue(query)}`, {
              token: admin,
            }),
          ]
          for (const answer of answers) {
            assert.ok(
              [200, 201, 400, 401, 404].includes(answer.status),
              `${answer.status} ${answer.text}`,
            )
            assert.equal(typeof answer.json, 'object', answer.text)
            assert.doesNotMatch(answer.text, /\bat .*\.(js|ts):\d+|SQLITE|syntax error/i)
          }
        }),
        { numRuns: 120 },
      )
      const read = await call(`${server.url}/${serviceId}/register/${client.client_id}`, {
        token: client.registration_access_token,
      })
      assert.equal(read.status, 200)
      assert.deepEqual(read.json, JSON.parse(original))
      assert.equal(server.child.exitCode, null)
    })
  })
}

/**
 * Stopping `registrar serve` (CONTRACT.md, "The server"): on SIGTERM it stops accepting,
 * finishes the requests in flight (a burst on fresh connections, bodies still arriving),
 * answers a kept-alive connection's new request 503 with `Connection: close`, closes idle
 * connections at once and exits 0; past the grace period it exits non-zero. Every client
 * that got a 201 is there after a restart. On a SQLite file and on PostgreSQL.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { Api, call } from '../support/http.js'
import { createTestSchema, type TestSchema } from '../support/postgres.js'
import { getRequest, postHead, RawConnection } from '../support/raw-http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const CLIENT = JSON.stringify({ redirect_uris: ['https://app.example/cb'] })

interface Registered {
  status: number
  body: Record<string, string>
}

/** A registration on a connection of its own, sent whole; resolves once it is written. */
function registerOnFreshConnection(url: string): {
  written: Promise<void>
  answer: Promise<Registered>
} {
  let written!: () => void
  const answer = new Promise<Registered>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }))
      },
    )
    outgoing.on('error', reject)
    outgoing.on('finish', () => written())
    outgoing.end(CLIENT)
  })
  return { written: new Promise((resolve) => (written = resolve)), answer }
}

/** Resolves with the exit code and how long after the signal the process took to exit. */
async function signal(server: RunningServer): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now()
  const code = await server.stop('SIGTERM')
  return { code, ms: Date.now() - sent }
}

async function assertRegistered(
  database: string,
  adminToken: string,
  serviceId: string,
  clients: Record<string, string>[],
): Promise<void> {
  const again = await startServer({ database, adminToken })
  try {
    for (const info of clients) {
      const read = await call(`${again.url}/${serviceId}/register/${info['client_id']}`, {
        token: info['registration_access_token'],
      })
      assert.equal(read.status, 200, read.text)
    }
  } finally {
    await again.stop()
  }
}

const backends: { name: string; database: () => Promise<string>; cleanup: () => Promise<void> }[] =
  (() => {
    let folder: string
    let schemas: TestSchema[] = []
    return [
      {
        name: 'SQLite file',
        database: async () => {
          folder ??= await mkdtemp(join(tmpdir(), 'registrar-shutdown-'))
          return join(folder, `${Math.random().toString(36).slice(2)}.db`)
        },
        cleanup: async () => {
          if (folder) await rm(folder, { recursive: true, force: true })
        },
      },
      {
        name: 'PostgreSQL',
        database: async () => {
          const schema = await createTestSchema()
          schemas.push(schema)
          return schema.url
        },
        cleanup: async () => {
          await Promise.all(schemas.map((schema) => schema.drop()))
          schemas = []
        },
      },
    ]
  })()

for (const backend of backends) {
  describe(`stopping on ${backend.name}`, () => {
    after(() => backend.cleanup())

    let database: string
    let server: RunningServer
    let serviceId: string
    const start = async (args: string[] = []) => {
      database = await backend.database()
      server = await startServer({ database, args })
      serviceId = await new Api(server.url, server.adminToken).createService()
    }

    test('a burst of registrations on fresh connections at SIGTERM: every one gets its 201, exit 0 at once, all there after a restart', async () => {
      await start()
      const url = `${server.url}/${serviceId}/register`
      // fetch opens a connection per concurrent request and keeps each alive afterwards.
      const fetched = Array.from({ length: 30 }, () =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: CLIENT,
        }),
      )
      const burst = Array.from({ length: 30 }, () => registerOnFreshConnection(url))
      await Promise.all(burst.map((one) => one.written))
      const stopped = signal(server)
      const answers = [
        ...(await Promise.all(burst.map((one) => one.answer))),
        ...(await Promise.all(
          fetched.map(async (response) => {
            const answer = await response
            return { status: answer.status, body: (await answer.json()) as Record<string, string> }
          }),
        )),
      ]
      for (const answer of answers) assert.equal(answer.status, 201)
      const { code, ms } = await stopped
      assert.equal(code, 0)
      assert.ok(ms < 5_000, `exited ${ms} ms after the signal`)
      await assertRegistered(
        database,
        server.adminToken,
        serviceId,
        answers.map((answer) => answer.body),
      )
    })

    test('requests whose body is still arriving at SIGTERM are finished and answered 201', async () => {
      await start()
      const path = `/${serviceId}/register`
      const half = CLIENT.length >> 1
      const connections = await Promise.all(
        Array.from({ length: 10 }, () => RawConnection.open(server.url)),
      )
      for (const connection of connections) {
        await connection.send(postHead(path, CLIENT.length) + CLIENT.slice(0, half))
      }
      await delay(200)
      const stopped = signal(server)
      await delay(300)
      for (const connection of connections) await connection.send(CLIENT.slice(half))
      const answers = await Promise.all(connections.map((connection) => connection.response()))
      for (const answer of answers) {
        assert.equal(answer.status, 201, answer.body)
        assert.equal(answer.headers['connection'], 'close')
      }
      await Promise.all(connections.map((connection) => connection.closed))
      assert.equal((await stopped).code, 0)
      await assertRegistered(
        database,
        server.adminToken,
        serviceId,
        answers.map((answer) => JSON.parse(answer.body)),
      )
    })

    test('past the grace period a request that never finishes is cut off and the exit code is not 0', async () => {
      await start(['--shutdown-grace', '1'])
      const stuck = await RawConnection.open(server.url)
      await stuck.send(postHead(`/${serviceId}/register`, CLIENT.length) + CLIENT.slice(0, 5))
      const done = await call(`${server.url}/${serviceId}/register`, { body: CLIENT })
      assert.equal(done.status, 201)
      await delay(100)
      const { code, ms } = await signal(server)
      assert.notEqual(code, 0)
      assert.ok(ms >= 900 && ms < 8_000, `exited ${ms} ms after the signal`)
      await stuck.closed
      await assertRegistered(database, server.adminToken, serviceId, [done.json])
    })
  })
}

describe('connections at SIGTERM', () => {
  test('a request on a kept-alive connection after the signal is answered 503 with Connection: close', async () => {
    const server = await startServer()
    const kept = await RawConnection.open(server.url)
    await kept.send(getRequest('/health'))
    assert.equal((await kept.response()).status, 200)
    const stopped = server.stop('SIGTERM')
    // Each answer is followed at once by the next request; the first one after the
    // signal is refused, then the connection is closed.
    let answer
    do {
      await kept.send(getRequest('/health'))
      answer = await kept.response()
    } while (answer.status === 200)
    assert.equal(answer.status, 503)
    assert.equal(answer.headers['connection'], 'close')
    assert.equal(JSON.parse(answer.body).error, 'temporarily_unavailable')
    await kept.closed
    assert.equal(await stopped, 0)
  })

  test('idle connections are closed at once, silent new ones after a short window, while a request finishes', async () => {
    const server = await startServer()
    const serviceId = await new Api(server.url, server.adminToken).createService()
    const kept = await RawConnection.open(server.url)
    await kept.send(getRequest('/health'))
    assert.equal((await kept.response()).status, 200)
    const silent = await RawConnection.open(server.url)
    const slow = await RawConnection.open(server.url)
    await slow.send(postHead(`/${serviceId}/register`, CLIENT.length) + CLIENT.slice(0, 5))
    await delay(100)

    const sent = Date.now()
    const stopped = server.stop('SIGTERM')
    await kept.closed
    assert.ok(Date.now() - sent < 900, `the idle connection closed after ${Date.now() - sent} ms`)
    await silent.closed
    assert.ok(
      Date.now() - sent < 5_000,
      `the silent connection closed after ${Date.now() - sent} ms`,
    )
    assert.equal(slow.isClosed, false)
    await slow.send(CLIENT.slice(5))
    assert.equal((await slow.response()).status, 201)
    assert.equal(await stopped, 0)
  })
})

/**
 * Timeouts and the connection cap (README, Security): a client that sends its body or its
 * headers slowly, or nothing at all, or keeps an idle connection, is cut off; connections
 * past the cap are closed as they arrive. Small configured limits keep the test short.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { call } from '../support/http.js'
import { getRequest, postHead, RawConnection } from '../support/raw-http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

/** How long node may take past a timeout: it checks on an interval (half the headers timeout here). */
const SLACK_MILLISECONDS = 1_500

/** Milliseconds until the server closes `connection`, sending `drip` every `every` ms meanwhile. */
async function closedAfter(
  connection: RawConnection,
  every: number,
  drip: () => string,
  limit: number,
): Promise<number> {
  const started = Date.now()
  while (!connection.isClosed && Date.now() - started < limit) {
    await Promise.race([delay(every), connection.closed])
    if (!connection.isClosed) connection.socket.write(drip())
  }
  return Date.now() - started
}

describe('timeouts', () => {
  let server: RunningServer
  before(async () => {
    server = await startServer({
      args: ['--request-timeout', '2', '--headers-timeout', '1', '--keep-alive-timeout', '1'],
    })
  })
  after(() => server.stop())

  test('a body sent a byte at a time is cut off after the request timeout, and the socket closed', async () => {
    const slow = await RawConnection.open(server.url)
    await slow.send(postHead('/api/service/create', 1_000))
    const ms = await closedAfter(slow, 200, () => ' ', 2_000 + SLACK_MILLISECONDS + 2_000)
    assert.ok(slow.isClosed, 'the connection is still open')
    assert.ok(ms >= 1_800 && ms <= 2_000 + SLACK_MILLISECONDS, `closed after ${ms} ms`)
  })

  test('headers sent a byte at a time are cut off after the headers timeout', async () => {
    const slow = await RawConnection.open(server.url)
    await slow.send('GET /health HTTP/1.1\r\nhost: registrar.test\r\n')
    const ms = await closedAfter(slow, 100, () => 'x', 1_000 + SLACK_MILLISECONDS + 2_000)
    assert.ok(slow.isClosed, 'the connection is still open')
    assert.ok(ms <= 1_000 + SLACK_MILLISECONDS, `closed after ${ms} ms`)
  })

  test('a connection that sends nothing is closed after the headers timeout', async () => {
    const silent = await RawConnection.open(server.url)
    const started = Date.now()
    await Promise.race([silent.closed, delay(1_000 + SLACK_MILLISECONDS + 2_000)])
    assert.ok(silent.isClosed, 'the connection is still open')
    assert.ok(Date.now() - started <= 1_000 + SLACK_MILLISECONDS)
  })

  test('an idle connection kept alive after an answer is closed after the keep-alive timeout', async () => {
    const kept = await RawConnection.open(server.url)
    await kept.send(getRequest('/health'))
    assert.equal((await kept.response()).status, 200)
    const started = Date.now()
    await Promise.race([kept.closed, delay(1_000 + SLACK_MILLISECONDS + 2_000)])
    assert.ok(kept.isClosed, 'the connection is still open')
    assert.ok(Date.now() - started <= 1_000 + SLACK_MILLISECONDS)
  })

  test('a request in good time is answered as usual', async () => {
    assert.equal((await call(`${server.url}/health`)).status, 200)
  })
})

test('connections past the cap are closed as they arrive; once some close, new ones are served', async () => {
  const server = await startServer({ args: ['--max-connections', '5'] })
  try {
    const held = await Promise.all(Array.from({ length: 5 }, () => RawConnection.open(server.url)))
    await delay(100)
    const extra = await RawConnection.open(server.url)
    await Promise.race([extra.closed, delay(2_000)])
    assert.ok(extra.isClosed, 'a sixth connection was kept')
    for (const connection of held) connection.destroy()
    await delay(100)
    assert.equal((await call(`${server.url}/health`)).status, 200)
  } finally {
    await server.stop()
  }
})

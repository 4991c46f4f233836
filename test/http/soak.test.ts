/**
 * Soak: anonymous traffic for a bounded time, to 127.0.0.1 only, against
 * the real server on a SQLite file: discovery and registration paths with random service
 * and client ids (numeric, non-numeric, over-long), registrations, and bodies sent a byte
 * at a time. The server's resident memory stays bounded after warm-up, and its open
 * sockets return to what they were once the slow bodies have been cut off.
 * Linux only: it reads /proc/<pid>/status and /proc/<pid>/fd.
 */
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { Api } from '../support/http.js'
import { postHead, RawConnection } from '../support/raw-http.js'
import { startServer } from '../support/start-server.js'

/** Seconds of traffic before the baseline is taken, and after it. */
const WARM_UP_MILLISECONDS = 6_000
const SOAK_MILLISECONDS = 20_000
/** The longest the soak waits for the flood to be sent. */
const MAX_SOAK_MILLISECONDS = 90_000
/** Requests in flight at once, and slow bodies held open at once. */
const CONCURRENCY = 24
const SLOW_BODIES = 40
/**
 * Pipelined discovery requests for distinct random service ids, after warm-up, over
 * FLOOD_CONNECTIONS connections. A service cache that remembered every miss kept about
 * 400 bytes an id (200,000 ids kept +76 MB), more than the heap cap below leaves it; the
 * bounded one keeps a few MB.
 */
const FLOOD_REQUESTS = 300_000
const FLOOD_CONNECTIONS = 4
/**
 * Growth of resident memory allowed after warm-up, MB: what is still held at the end
 * (measured under the heap cap: +10 to +24 MB on a loaded machine), and at the peak (the
 * heap grows between collections).
 */
const MAX_RSS_GROWTH_AT_END_MB = 40
const MAX_RSS_GROWTH_AT_PEAK_MB = 60
/** The server's old-space cap, MB: about twice what it uses under this load. */
const MAX_HEAP_MB = 64
/** Sockets above the baseline allowed once the traffic and the slow bodies are gone. */
const SOCKET_SLACK = 2
const REQUEST_TIMEOUT_SECONDS = 2

async function residentMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024
}

async function openSockets(pid: number): Promise<number> {
  const fds = await readdir(`/proc/${pid}/fd`)
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')),
  )
  return targets.filter((target) => target.startsWith('socket:')).length
}

/** A service id as clients might send one: numeric, non-numeric, or over-long. */
function randomId(): string {
  switch (randomInt(4)) {
    case 0:
      return String(randomInt(2 ** 47))
    case 1:
      return randomBytes(randomInt(1, 12)).toString('base64url')
    case 2:
      return `${randomInt(1000)}%20${randomBytes(3).toString('hex')}`
    default:
      return String(randomInt(10)).repeat(randomInt(20, 200))
  }
}

function randomRequest(base: string, serviceId: string): [string, RequestInit] {
  const id = randomId()
  const json = { 'content-type': 'application/json' }
  const body = JSON.stringify({ redirect_uris: ['https://app.example/cb'] })
  switch (randomInt(8)) {
    case 0:
      return [`${base}/.well-known/oauth-authorization-server/${id}`, {}]
    case 1:
      return [`${base}/.well-known/openid-configuration/${id}`, {}]
    case 2:
      return [`${base}/${id}/.well-known/openid-configuration`, {}]
    case 3:
      return [`${base}/${id}/register`, { method: 'POST', headers: json, body }]
    case 4:
      return [
        `${base}/${serviceId}/register/${randomId()}`,
        { headers: { authorization: `Bearer ${randomBytes(16).toString('hex')}` } },
      ]
    case 5:
      return [`${base}/${id}/register/${randomId()}`, { method: 'DELETE' }]
    case 6:
      return [`${base}/${serviceId}/register`, { method: 'POST', headers: json, body }]
    default:
      return [`${base}/.well-known/oauth-authorization-server/${serviceId}`, {}]
  }
}

test('random discovery and registration traffic and slow bodies leave memory and sockets bounded', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'registrar-soak-'))
  const server = await startServer({
    database: join(folder, 'soak.db'),
    // A heap cap makes the collector keep up even on a loaded machine, so resident memory
    // measures what is held; a cache that kept every miss would need more and crash.
    env: { NODE_OPTIONS: `--max-old-space-size=${MAX_HEAP_MB}` },
    args: [
      '--request-timeout',
      String(REQUEST_TIMEOUT_SECONDS),
      '--headers-timeout',
      '1',
      '--keep-alive-timeout',
      '1',
    ],
  })
  const pid = server.child.pid!
  try {
    const serviceId = await new Api(server.url, server.adminToken).createService()
    await delay(1_500)
    const socketsAtStart = await openSockets(pid)

    let running = true
    let requests = 0
    const failures = new Map<string, number>()
    const worker = async () => {
      while (running) {
        const [url, init] = randomRequest(server.url, serviceId)
        try {
          const response = await fetch(url, init)
          await response.arrayBuffer()
          if (response.status >= 500) failures.set(url, response.status)
        } catch (error) {
          failures.set(url, String((error as Error).cause ?? error).length)
        }
        requests++
      }
    }
    // Discovery of random numeric service ids, pipelined on kept-alive connections: the
    // cheapest request for a client to send, and one whose id reaches the service lookup.
    let flooded = 0
    const flood = async () => {
      while (flooded < FLOOD_REQUESTS) {
        const connection = await RawConnection.open(server.url)
        while (flooded < FLOOD_REQUESTS && !connection.isClosed) {
          const batch = Array.from(
            { length: 100 },
            () =>
              `GET /.well-known/oauth-authorization-server/${randomInt(2 ** 47)} HTTP/1.1\r\n` +
              'host: registrar.test\r\n\r\n',
          )
          await connection.send(batch.join(''))
          for (let answered = 0; answered < batch.length; answered++) {
            if ((await connection.response()).status >= 500) failures.set('flood', 500)
          }
          flooded += batch.length
        }
        connection.destroy()
      }
    }
    let slowCutOff = 0
    let slowKept = 0
    const slowBody = async () => {
      while (running) {
        const slow = await RawConnection.open(server.url)
        const opened = Date.now()
        await slow.send(postHead(`/${serviceId}/register`, 1_000))
        while (!slow.isClosed && Date.now() - opened < (REQUEST_TIMEOUT_SECONDS + 5) * 1_000) {
          await Promise.race([delay(300), slow.closed])
          if (!slow.isClosed) slow.socket.write(' ')
        }
        if (slow.isClosed) slowCutOff++
        else slowKept++
        slow.destroy()
      }
    }
    const load = [
      ...Array.from({ length: CONCURRENCY }, worker),
      ...Array.from({ length: SLOW_BODIES }, slowBody),
    ]

    await delay(WARM_UP_MILLISECONDS)
    const rssAfterWarmUp = await residentMegabytes(pid)
    load.push(...Array.from({ length: FLOOD_CONNECTIONS }, flood))
    let rssPeak = rssAfterWarmUp
    const started = Date.now()
    // The flood is counted, not timed, so a slow machine sends every id; the cap bounds the test.
    const isFlooding = () =>
      flooded < FLOOD_REQUESTS && Date.now() - started < MAX_SOAK_MILLISECONDS
    while (Date.now() - started < SOAK_MILLISECONDS || isFlooding()) {
      await delay(1_000)
      rssPeak = Math.max(rssPeak, await residentMegabytes(pid))
    }
    const rssAtEnd = await residentMegabytes(pid)
    running = false
    await Promise.all(load)

    // The slow bodies are cut off by the request timeout, idle connections by keep-alive's.
    let sockets = await openSockets(pid)
    const waitUntil = Date.now() + (REQUEST_TIMEOUT_SECONDS + 4) * 1_000
    while (sockets > socketsAtStart + SOCKET_SLACK && Date.now() < waitUntil) {
      await delay(250)
      sockets = await openSockets(pid)
    }
    const summary =
      `${requests} requests and ${flooded} pipelined, ${slowCutOff} slow bodies cut off; RSS ${rssAfterWarmUp.toFixed(1)} MB ` +
      `after warm-up, peak ${rssPeak.toFixed(1)}, end ${rssAtEnd.toFixed(1)}; sockets ${socketsAtStart} ` +
      `at start, ${sockets} at the end`
    process.stdout.write(`# soak: ${summary}\n`)
    assert.deepEqual([...failures].slice(0, 5), [], 'no 5xx and no connection failure')
    assert.equal(slowKept, 0, `slow bodies not cut off: ${summary}`)
    assert.ok(slowCutOff >= SLOW_BODIES, `only ${slowCutOff} slow bodies were cut off`)
    assert.ok(rssAtEnd - rssAfterWarmUp < MAX_RSS_GROWTH_AT_END_MB, `memory kept: ${summary}`)
    assert.ok(rssPeak - rssAfterWarmUp < MAX_RSS_GROWTH_AT_PEAK_MB, `memory peak: ${summary}`)
    assert.equal(flooded >= FLOOD_REQUESTS, true, `only ${flooded} pipelined requests: ${summary}`)
    assert.ok(sockets <= socketsAtStart + SOCKET_SLACK, `sockets left open: ${summary}`)
  } finally {
    await server.stop()
    await rm(folder, { recursive: true, force: true })
  }
})

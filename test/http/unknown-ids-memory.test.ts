/**
 * Anonymous traffic cannot grow the server's memory: discovery and registration requests
 * for random service ids, which anyone may send, keep at most a bounded number of cache
 * entries. The server runs with a small heap (32 MB of old space), where remembering every
 * unknown id runs out of memory well within the requests sent here.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { after, before, test } from 'node:test'
import { call } from '../support/http.js'
import { startServer, type RunningServer } from '../support/start-server.js'

const REQUESTS = 150_000
const CONCURRENCY = 32

let server: RunningServer
before(async () => {
  server = await startServer({ env: { NODE_OPTIONS: '--max-old-space-size=32' } })
})
after(() => server?.stop())

function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

const randomId = () => String(10_000_000_000_000 + Math.floor(Math.random() * 89_999_999_999_999))

/** One of the paths that look a service up, for a random service id. */
function randomRequest(): { method: string; path: string } {
  const id = randomId()
  const paths = [
    { method: 'GET', path: `/.well-known/oauth-authorization-server/${id}` },
    { method: 'GET', path: `/.well-known/openid-configuration/${id}` },
    { method: 'GET', path: `/${id}/.well-known/openid-configuration` },
    { method: 'POST', path: `/${id}/register` },
    { method: 'GET', path: `/${id}/register/${randomId()}` },
  ]
  return paths[Math.floor(Math.random() * paths.length)]!
}

test('requests for random service ids leave the server alive with bounded memory', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const send = ({ method, path }: { method: string; path: string }) =>
    new Promise<number>((resolve, reject) => {
      const outgoing = request(`${server.url}${path}`, { method, agent }, (incoming) => {
        incoming.resume()
        incoming.on('end', () => resolve(incoming.statusCode ?? 0))
      })
      outgoing.on('error', reject)
      outgoing.end(method === 'POST' ? '{}' : undefined)
    })
  const pid = server.child.pid!
  for (let i = 0; i < 1000; i++) await send(randomRequest())
  const before = residentMegabytes(pid)
  let sent = 0
  const statuses = new Set<number>()
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++
      statuses.add(await send(randomRequest()))
    }
  }
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  } finally {
    agent.destroy()
  }
  assert.deepEqual([...statuses].sort(), [404])
  assert.equal((await call(`${server.url}/health`)).status, 200)
  const grown = residentMegabytes(pid) - before
  assert.ok(grown < 48, `resident memory grew ${grown.toFixed(1)} MB`)
})

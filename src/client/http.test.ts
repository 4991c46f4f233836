import assert from 'node:assert/strict'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, describe, test } from 'node:test'
import { discover } from './discovery.js'
import { DcrError } from './errors.js'
import { registerClient } from './registration.js'

const MiB = 1024 * 1024

async function serve(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function failure(promise: Promise<unknown>): Promise<DcrError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.ok(error instanceof DcrError, String(error))
  return error
}

describe('answers are read up to maxResponseBytes (1 MiB by default)', () => {
  const servers: Server[] = []
  after(() => servers.forEach((server) => server.close()))

  test('a 2 MiB metadata document is response_too_large, unread', async () => {
    let issuer = ''
    const { server, url } = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ issuer, padding: 'x'.repeat(2 * MiB) }))
    })
    servers.push(server)
    issuer = url
    const error = await failure(discover(issuer))
    assert.equal(error.error, 'response_too_large')
    assert.equal(error.status, 200)
    assert.match(error.message, /more than 1048576 bytes/)
  })

  test('an endless answer without Content-Length is cut off and its connection closed', async () => {
    let sent = 0
    let closed!: () => void
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve))
    const { server, url } = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.on('close', closed)
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length
        if (!res.destroyed) res.once('drain', pump)
      }
      pump()
    })
    servers.push(server)
    const error = await failure(registerClient(`${url}/register`, { client_name: 'a' }))
    assert.equal(error.error, 'response_too_large')
    await connectionClosed
    assert.ok(sent < 16 * MiB, `the server sent ${sent} bytes before the client hung up`)
  })

  test('the limit is an option, and an answer within it is read whole', async () => {
    const body = JSON.stringify({ client_id: 'c1', client_name: 'x'.repeat(4000) })
    const { server, url } = await serve((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(body)
    })
    servers.push(server)
    const registered = await registerClient(`${url}/register`, {}, { maxResponseBytes: 5000 })
    assert.equal(registered.client_id, 'c1')
    const error = await failure(registerClient(`${url}/register`, {}, { maxResponseBytes: 1000 }))
    assert.equal(error.error, 'response_too_large')
  })
})

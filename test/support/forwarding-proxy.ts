/**
 * A reverse proxy in front of a real server, for client tests that must see or withhold
 * what a client sends: it records every request, answers 404 to those `refuse` picks (a
 * server without some route), and forwards the rest. With `asItself`, answers name the
 * proxy's origin in place of the upstream's (issuers, registration URIs), so a client that
 * discovers through it keeps talking to it.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ForwardingProxy {
  url: string
  /** Every request, as `METHOD path`, refused ones included. */
  seen: string[]
  /** The paths of the requests answered 404 by `refuse`. */
  refused: string[]
  close(): Promise<void>
}

export async function startForwardingProxy(
  upstream: string,
  options: { refuse?: (method: string, path: string) => boolean; asItself?: boolean } = {},
): Promise<ForwardingProxy> {
  const seen: string[] = []
  const refused: string[] = []
  let origin = ''
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET'
    const path = req.url ?? '/'
    seen.push(`${method} ${path}`)
    if (options.refuse?.(method, path)) {
      refused.push(path)
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'not_found', error_description: 'no such route' }))
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const name of ['authorization', 'content-type', 'accept']) {
        const value = req.headers[name]
        if (typeof value === 'string') headers[name] = value
      }
      fetch(`${upstream}${path}`, {
        method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer())
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          })
          res.end(options.asItself ? body.toString().replaceAll(upstream, origin) : body)
        })
        .catch(() => {
          res.writeHead(502)
          res.end()
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    seen,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * An HTTP server on 127.0.0.1 that listens before it knows what to serve: the three
 * servers name each other's URLs, so each takes its port first and its handler after.
 */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Listener {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string
  port: number
  /** Sets what answers requests; until then every request gets 503. */
  serve(handler: RequestListener): void
  close(): Promise<void>
}

/** Listens on 127.0.0.1:`port` (0 picks a free one). */
export async function listen(port: number): Promise<Listener> {
  let handler: RequestListener = (_req, res) => res.writeHead(503).end()
  const server = createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    serve: (next) => (handler = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A certificate authority of the test's own and an https server on 127.0.0.1 whose
 * certificate it signed (for 127.0.0.1 and localhost), made with the openssl command. A
 * server process trusts the CA through NODE_EXTRA_CA_CERTS, as an operator's would.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa {
  /** The CA certificate's file: the value of NODE_EXTRA_CA_CERTS. */
  caFile: string
  key: string
  cert: string
  remove(): void
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'registrar-tls-'))
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-subj',
    '/CN=Registrar test CA',
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  )
  openssl(
    'req',
    ...ec,
    '-subj',
    '/CN=localhost',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  )
  writeFileSync(
    file('ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n',
  )
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('ext.cnf'),
    '-out',
    file('server.pem'),
  )
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface HttpsServer {
  /** `https://127.0.0.1:PORT` */
  url: string
  /** Requests served so far, by path. */
  hits: Map<string, number>
  close(): Promise<void>
}

export async function startHttpsServer(
  ca: TestCa,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<HttpsServer> {
  const hits = new Map<string, number>()
  const server: Server = createServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    const path = request.url ?? '/'
    hits.set(path, (hits.get(path) ?? 0) + 1)
    handle(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A real https server of the test's own CA serving Client ID Metadata Documents, which a
 * server started with NODE_EXTRA_CA_CERTS=ca.caFile trusts; plus the calls the CIMD tests
 * share. Documents are reached by the name localhost (`origin`), the literal address is
 * `docs.url`.
 */
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SignJWT, type CryptoKey, type KeyObject } from 'jose'
import type { Api, Answer } from './http.js'
import { createTestCa, startHttpsServer, type HttpsServer, type TestCa } from './tls.js'

/** The issuer of the services the CIMD tests make: what client assertions are addressed to. */
export const ISSUER = 'https://as.example'
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** What the document server answers at a path. */
export interface Served {
  body: unknown
  status?: number
  headers?: Record<string, string>
  /** Milliseconds before the answer. */
  delay?: number
}

/** A public client's document members (the client_id is added by serve). */
export const PUBLIC_CLIENT = {
  client_name: 'An agent',
  redirect_uris: ['http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
}

export interface DocumentServer {
  ca: TestCa
  docs: HttpsServer
  /** `https://localhost:PORT` */
  origin: string
  served: Map<string, Served>
  /** Serves `document` at `path` (its client_id the URL unless given) and answers the URL. */
  serve(path: string, document: Record<string, unknown>, extra?: Partial<Served>): string
  close(): Promise<void>
}

export async function startDocumentServer(): Promise<DocumentServer> {
  const served = new Map<string, Served>()
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const entry = served.get(request.url ?? '')
    if (!entry) return void response.writeHead(404).end()
    const send = () => {
      const body = typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body)
      response.writeHead(entry.status ?? 200, {
        'content-type': 'application/json',
        ...entry.headers,
      })
      response.end(body)
    }
    if (entry.delay) setTimeout(send, entry.delay).unref()
    else send()
  }
  const ca = createTestCa()
  const docs = await startHttpsServer(ca, answer)
  const origin = docs.url.replace('127.0.0.1', 'localhost')
  return {
    ca,
    docs,
    origin,
    served,
    serve(path, document, extra = {}) {
      const url = `${origin}${path}`
      const clientId = document['client_id'] === undefined ? url : document['client_id']
      served.set(path, { body: { ...document, client_id: clientId }, ...extra })
      return url
    },
    async close() {
      await docs.close()
      ca.remove()
    },
  }
}

export function getClient(api: Api, serviceId: string, clientId: string): Promise<Answer> {
  return api.call(`/api/${serviceId}/client/get/${encodeURIComponent(clientId)}`)
}

/** A 400 result error whose message says `reason`. */
export function assertRefused(answer: Answer, reason: RegExp): void {
  assert.equal(answer.status, 400, answer.text)
  assert.match(answer.json.resultMessage, reason)
}

/**
 * client/authenticate with a private_key_jwt assertion of `clientId` to ISSUER (RFC 7523
 * §2.2), signed with `privateKey` as key k1 (ES256).
 */
export async function authenticateWithKey(
  api: Api,
  serviceId: string,
  clientId: string,
  privateKey: CryptoKey | KeyObject,
): Promise<Answer> {
  const now = Math.floor(Date.now() / 1000)
  const assertion = await new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: ISSUER,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .sign(privateKey)
  return api.call(`/api/${serviceId}/client/authenticate`, {
    body: {
      client_id: clientId,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
    },
  })
}

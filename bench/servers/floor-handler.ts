/**
 * The floor: the least a registration endpoint can do over node:http. Register parses the
 * JSON, draws a random id, secret and registration access token, keeps the answer and
 * answers 201; read finds the kept answer by id, compares the token and answers 200. No
 * validation, no framework. Where it keeps answers is the caller's choice (a Map, SQLite).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

export interface FloorStorage {
  /** Keeps an answer; a promise when it is kept only once the promise settles (a commit). */
  put(clientId: string, token: string, answer: string): void | Promise<void>
  get(clientId: string): { token: string; answer: string } | undefined
}

const REGISTER_PATH = '/register'

export function floorHandler(storage: FloorStorage): RequestListener {
  return (request, response) => {
    if (request.method === 'POST' && request.url === REGISTER_PATH) {
      readBody(request).then(
        (body) => register(storage, body, response),
        () => answer(response, 400, '{"error":"invalid_request"}'),
      )
    } else if (request.method === 'GET' && request.url?.startsWith(`${REGISTER_PATH}/`)) {
      read(storage, request, response)
    } else {
      answer(response, 404, '{"error":"not_found"}')
    }
  }
}

function register(storage: FloorStorage, body: string, response: ServerResponse): void {
  let metadata: unknown
  try {
    metadata = JSON.parse(body)
  } catch {
    metadata = undefined
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return answer(response, 400, '{"error":"invalid_client_metadata"}')
  }
  const issued = issue(storage, metadata)
  if (typeof issued === 'string') return answer(response, 201, issued)
  issued.then(
    (information) => answer(response, 201, information),
    () => answer(response, 500, '{"error":"server_error"}'),
  )
}

/**
 * Draws the id and secrets, keeps the answer, and returns it (the JSON text), once kept
 * when the storage keeps it asynchronously.
 */
export function issue(storage: FloorStorage, metadata: object): string | Promise<string> {
  const clientId = randomUUID()
  const token = randomBytes(32).toString('base64url')
  const information = JSON.stringify({
    ...metadata,
    client_id: clientId,
    client_secret: randomBytes(32).toString('base64url'),
    client_id_issued_at: Math.floor(Date.now() / 1000),
    client_secret_expires_at: 0,
    registration_access_token: token,
  })
  const kept = storage.put(clientId, token, information)
  return kept ? kept.then(() => information) : information
}

function read(storage: FloorStorage, request: IncomingMessage, response: ServerResponse): void {
  const clientId = decodeURIComponent(request.url!.slice(REGISTER_PATH.length + 1))
  const kept = storage.get(clientId)
  if (!kept || request.headers.authorization !== `Bearer ${kept.token}`) {
    return answer(response, 401, '{"error":"invalid_token"}')
  }
  answer(response, 200, kept.answer)
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function answer(response: ServerResponse, status: number, json: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(json)
}

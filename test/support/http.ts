/** Small fetch helpers for black-box tests: a JSON answer, and a caller of the Authlete-style API. */
import assert from 'node:assert/strict'

export interface Answer {
  status: number
  headers: Headers
  text: string
  /** The parsed body; undefined when it is empty or not JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(
  url: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  })
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** A caller of `/api/...` with one bearer token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  call(path: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
    return call(`${this.baseUrl}${path}`, { ...init, token: this.token })
  }

  /** Creates a service and returns its id (apiKey) as a string. */
  async createService(settings: Record<string, unknown> = {}): Promise<string> {
    const answer = await this.call('/api/service/create', {
      body: { serviceName: 'test', ...settings },
    })
    assert.equal(answer.status, 200, answer.text)
    assert.equal(typeof answer.json.apiKey, 'number')
    return String(answer.json.apiKey)
  }
}

/** Asserts the RFC 7591/7592 answer headers (CONTRACT.md §2). */
export function assertNoStore(answer: Answer): void {
  assert.equal(answer.headers.get('cache-control'), 'no-store')
  assert.equal(answer.headers.get('pragma'), 'no-cache')
  if (answer.text !== '') assert.equal(answer.headers.get('content-type'), 'application/json')
}

/**
 * HTTP/1.1 over a plain TCP socket, for the tests that need what fetch hides: a request
 * sent in pieces, a connection kept alive across a signal, the moment the server closes.
 */
import { connect, type Socket } from 'node:net'

export interface RawResponse {
  status: number
  /** Header names in lower case. */
  headers: Record<string, string>
  body: string
}

export class RawConnection {
  readonly socket: Socket
  /** Resolves when the server has closed the connection (or it was reset). */
  readonly closed: Promise<void>
  #buffer = ''
  #ended = false
  #waiting: (() => void) | undefined

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk
      this.#waiting?.()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#ended = true
        this.#waiting?.()
        resolve()
      }),
    )
  }

  /** Opens a connection to the server at `url` (http://host:port). */
  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)))
      socket.once('error', reject)
    })
  }

  get isClosed(): boolean {
    return this.#ended
  }

  /** Writes `text` and resolves once it is handed to the kernel. */
  send(text: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(text, 'latin1', (error) => (error ? reject(error) : resolve())),
    )
  }

  /** The next complete response (Content-Length framed); rejects if the connection ends first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.#take()
      if (parsed) return parsed
      if (this.#ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`)
      await new Promise<void>((resolve) => (this.#waiting = resolve))
      this.#waiting = undefined
    }
  }

  destroy(): void {
    this.socket.destroy()
  }

  #take(): RawResponse | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n')
    if (end === -1) return undefined
    const [statusLine, ...lines] = this.#buffer.slice(0, end).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    if (this.#buffer.length < end + 4 + length) return undefined
    const body = this.#buffer.slice(end + 4, end + 4 + length)
    this.#buffer = this.#buffer.slice(end + 4 + length)
    return { status: Number(statusLine!.split(' ')[1]), headers, body }
  }
}

/** The head of a POST with a JSON body of `length` bytes (Content-Length framed). */
export function postHead(path: string, length: number, extra: Record<string, string> = {}): string {
  const headers = { host: 'registrar.test', 'content-type': 'application/json', ...extra }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
  return `POST ${path} HTTP/1.1\r\n${lines.join('')}content-length: ${length}\r\n\r\n`
}

/** A GET with keep-alive (HTTP/1.1's default). */
export function getRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nhost: registrar.test\r\n\r\n`
}

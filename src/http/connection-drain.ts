/**
 * Graceful stop of the HTTP server: stop accepting, finish the
 * requests in flight, also those whose body is still arriving, and close every other
 * connection, within a grace period.
 *
 * What counts as in flight, per connection:
 * - a request whose headers have arrived (its body may still be arriving): it is answered,
 *   with `Connection: close`, and the connection ends after the answer;
 * - a connection that has sent part of a request's headers: node's parser has begun a
 *   request, so node's closeIdleConnections() leaves it open, and so do we;
 * - a connection accepted before the listener closed that has not sent a byte yet: a client
 *   writes its request as soon as its connection opens, so it gets FIRST_REQUEST_WINDOW to
 *   do so (a burst of fresh connections at the signal is a burst of requests in flight);
 *   then it is closed.
 * A connection kept alive after an earlier answer is idle and is closed at once; a request
 * that still arrives on it after the signal (it crossed the close) is answered 503 with
 * `Connection: close`, never processed half-way.
 *
 * The listener is closed only after the connections the kernel has already accepted are
 * taken from its queue: closing a listening socket resets the connections still queued,
 * and those clients have sent their requests.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises'

/** How long a connection opened before the stop has to send its first byte. */
const FIRST_REQUEST_WINDOW_MILLISECONDS = 1_000

/**
 * Before the listener closes, connections are accepted for at least ACCEPT_QUIET (a client
 * of the burst may still be connecting) and at most ACCEPT_MAX.
 */
const ACCEPT_QUIET_MILLISECONDS = 20
const ACCEPT_MAX_MILLISECONDS = 1_000

interface ConnectionState {
  /** Requests whose headers arrived on this connection. */
  requests: number
  /** The answer being written, if any. */
  response?: ServerResponse
}

export interface ConnectionDrain {
  /** True once stop() has begun. */
  readonly stopping: boolean
  /**
   * True for a request that arrived after the stop on a connection that had carried a
   * request before: a kept-alive connection, answered 503 and closed.
   */
  refuses(request: IncomingMessage): boolean
  /**
   * Stops accepting and waits for the connections to end. Resolves true when they all
   * ended within `graceMilliseconds`, false when the rest had to be cut off.
   */
  stop(graceMilliseconds: number): Promise<boolean>
}

/** Follows the connections of `server` from now on, so that it can be stopped gracefully. */
export function drainConnections(server: Server): ConnectionDrain {
  const connections = new Map<Socket, ConnectionState>()
  let stopping = false
  let acceptedLately = false

  server.on('connection', (socket: Socket) => {
    acceptedLately = true
    connections.set(socket, { requests: 0 })
    socket.once('close', () => connections.delete(socket))
  })
  // Prepended: the state must be counted before any handler can answer.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const state = connections.get(request.socket)
    if (state) {
      state.requests++
      state.response = response
    }
    if (stopping) response.setHeader('connection', 'close')
    response.once('close', () => {
      if (state?.response === response) state.response = undefined
      // An answer begun before the stop may have promised keep-alive.
      if (stopping) server.closeIdleConnections()
    })
  })

  /** Answers not yet sent announce that the connection closes after them. */
  const announceClose = () => {
    for (const { response } of connections.values()) {
      if (response && !response.headersSent) response.setHeader('connection', 'close')
    }
  }

  /** The first-request window is over: a connection that has sent nothing is closed. */
  const closeSilentConnections = () => {
    for (const [socket, state] of connections) {
      if (state.requests === 0 && socket.bytesRead === 0) socket.destroy()
    }
  }

  /**
   * Accepts what arrives until a turn of the event loop's poll brings no connection. node
   * may take one connection per turn, and a turn may be long (a commit on the event loop),
   * so quiet is counted in turns, not milliseconds.
   */
  const acceptQueuedConnections = async () => {
    const started = Date.now()
    // From a timer, not from the signal handler's poll phase: the next immediate then
    // comes after a poll.
    await delay(ACCEPT_QUIET_MILLISECONDS)
    do {
      acceptedLately = false
      await nextTurn()
    } while (acceptedLately && Date.now() - started < ACCEPT_MAX_MILLISECONDS)
  }

  return {
    get stopping() {
      return stopping
    },
    refuses(request) {
      if (!stopping) return false
      // This request is counted already: an earlier one means the connection was reused.
      return (connections.get(request.socket)?.requests ?? 0) > 1
    },
    async stop(graceMilliseconds) {
      stopping = true
      announceClose()
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMilliseconds)
      })
      const closed = (async () => {
        await acceptQueuedConnections()
        const listenerClosed = new Promise<true>((resolve) => server.close(() => resolve(true)))
        // node's close() also closes the connections idle after an answer (kept alive).
        const window = setTimeout(closeSilentConnections, FIRST_REQUEST_WINDOW_MILLISECONDS)
        window.unref()
        return listenerClosed
      })()
      const inTime = await Promise.race([closed, graceOver])
      clearTimeout(timer)
      if (!inTime) server.closeAllConnections()
      return inTime
    },
  }
}

/**
 * The two ways a Registrar API call fails: the server answered with an error
 * (`RegistrarApiError`, carrying Authlete's `resultCode` and `resultMessage`), or no
 * answer arrived at all (`RegistrarNetworkError`, wrapping fetch's error as `cause`).
 */

/**
 * The server answered a Registrar API call with an HTTP error, or with a body that is not
 * the JSON the call expects.
 * @see Authlete's API (the `ResultError` body)
 */
export class RegistrarApiError extends Error {
  /** The HTTP status of the answer. */
  readonly status: number
  /** Authlete's result code, e.g. `A001202`; undefined when the body carried none. */
  readonly resultCode: string | undefined
  /** Authlete's result message, or a description built from the status when the body had none. */
  readonly resultMessage: string
  /** The decoded JSON body, or the raw text when it was not JSON. */
  readonly body: unknown

  constructor(
    status: number,
    resultCode: string | undefined,
    resultMessage: string,
    body: unknown,
  ) {
    super(`HTTP ${status}: ${resultMessage}`)
    this.name = 'RegistrarApiError'
    this.status = status
    this.resultCode = resultCode
    this.resultMessage = resultMessage
    this.body = body
  }
}

/**
 * No answer: the server could not be reached, the connection broke, or the call was
 * aborted. The underlying error (fetch's `TypeError`, an `AbortError`) is the `cause`.
 * @see https://fetch.spec.whatwg.org/#concept-network-error
 */
export class RegistrarNetworkError extends Error {
  /** The URL that could not be reached. */
  readonly url: string

  constructor(url: string, cause: unknown) {
    super(`cannot reach ${url}: ${describeCause(cause)}`, { cause })
    this.name = 'RegistrarNetworkError'
    this.url = url
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause)
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : ''
  return `${cause.message}${inner}`
}

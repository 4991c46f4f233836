/**
 * Query parameters and path parameters are text like any JSON string: one with U+0000 or an
 * unpaired surrogate is refused (400 invalid_request naming it) before any route reads it,
 * on every surface.
 */
import type { FastifyRequest } from 'fastify'
import { describeJsonProblem, jsonProblem, OAuthError } from '../wire/index.js'

/** A preValidation hook: throws OAuthError invalid_request for a part that is not text. */
export async function refuseUnstorableUrlParts(request: FastifyRequest): Promise<void> {
  // No route reads the parts of an unknown URL: it stays a 404 like any other.
  if (request.is404) return
  for (const [part, value] of [
    ['querystring', request.query],
    ['params', request.params],
  ] as const) {
    const problem = jsonProblem(value)
    if (problem !== undefined) {
      throw new OAuthError(
        'invalid_request',
        `invalid request: ${part}/${describeJsonProblem(problem)}`,
      )
    }
  }
}

/**
 * The registration endpoints of every service (RFC 7591 §3, RFC 7592 §2): they hand the
 * raw body text to the engine, so this surface and the DCR API decide identically, and
 * render the engine's Decision as HTTP.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Decision, Engine, ServiceRecord } from '../engine/index.js'
import {
  ClientInformationSchema,
  ClientMetadataSchema,
  OAuthErrorSchema,
  ServiceClientParams,
  ServiceIdParams,
} from '../wire/index.js'
import { answerPreflights } from './cors.js'
import { addChallenge, sendJson } from './errors.js'
import { bearerToken, requireRegistrationService } from './request-parts.js'

type ClientParams = Static<typeof ServiceClientParams>

/** Renders a Decision: its status and body, the challenge of a 401; 204 with no body for DELETED. */
function sendDecision(
  request: FastifyRequest,
  reply: FastifyReply,
  decision: Decision,
): FastifyReply {
  if (decision.action === 'INTERNAL_SERVER_ERROR') {
    request.log.error({ err: decision.error }, 'registration failed')
  }
  addChallenge(request, reply, decision.status)
  if (decision.body === undefined) return reply.code(decision.status).send()
  return sendJson(reply, decision.status, decision.body)
}

const errors = {
  400: OAuthErrorSchema,
  401: OAuthErrorSchema,
  404: OAuthErrorSchema,
  413: OAuthErrorSchema,
  429: OAuthErrorSchema,
}
const tags = ['Registration endpoints (RFC 7591, RFC 7592)']
/** Metadata is decided by the engine, never by Fastify: the body schema only documents. */
const documentOnly = () => () => true

type RegistrationRequest = FastifyRequest<{ Params: ClientParams; Body: string | undefined }>

/** The raw body text, handed to the engine as is. */
const bodyText = (request: RegistrationRequest) =>
  typeof request.body === 'string' ? request.body : ''

/** What a client presented for RFC 7592: the client id of the URL and its bearer token. */
const configurationOf = (request: RegistrationRequest) => ({
  clientId: request.params.clientId,
  token: bearerToken(request.headers.authorization),
})

/** One endpoint: its route, documentation and the engine decision it renders. */
interface RegistrationOperation {
  method: 'POST' | 'GET' | 'PUT' | 'DELETE'
  path: string
  summary: string
  description: string
  /** Whether the body carries client metadata. */
  takesMetadata: boolean
  /** The status of success: 201 created, 200 with the client, 204 deleted. */
  success: 200 | 201 | 204
  decide(engine: Engine, service: ServiceRecord, request: RegistrationRequest): Promise<Decision>
}

const REGISTER = '/:serviceId/register'
const CONFIGURE = '/:serviceId/register/:clientId'
const BEARER_RAT = '`Authorization: Bearer <registration_access_token>`'

const OPERATIONS: readonly RegistrationOperation[] = [
  {
    method: 'POST',
    path: REGISTER,
    summary: 'Register a client (RFC 7591 §3.1)',
    description:
      'Client metadata as JSON. `Authorization: Bearer <initial access token>` when the service requires one.',
    takesMetadata: true,
    success: 201,
    decide: (engine, service, request) =>
      engine.register(service, {
        json: bodyText(request),
        initialAccessToken: bearerToken(request.headers.authorization),
        // The socket's peer, or the X-Forwarded-For client when the peer is a trusted proxy.
        clientAddress: request.ip,
      }),
  },
  {
    method: 'GET',
    path: CONFIGURE,
    summary: 'Read a client (RFC 7592 §2.1)',
    description: BEARER_RAT,
    takesMetadata: false,
    success: 200,
    decide: (engine, service, request) => engine.read(service, configurationOf(request)),
  },
  {
    method: 'PUT',
    path: CONFIGURE,
    summary: 'Update a client (RFC 7592 §2.2)',
    description: BEARER_RAT,
    takesMetadata: true,
    success: 200,
    decide: (engine, service, request) =>
      engine.update(service, { ...configurationOf(request), json: bodyText(request) }),
  },
  {
    method: 'DELETE',
    path: CONFIGURE,
    summary: 'Delete a client (RFC 7592 §2.3)',
    description: BEARER_RAT,
    takesMetadata: false,
    success: 204,
    decide: (engine, service, request) => engine.delete(service, configurationOf(request)),
  },
]

function routeOf(engine: Engine, operation: RegistrationOperation): RouteOptions {
  const { method, path, summary, description, takesMetadata, success, decide } = operation
  return {
    method,
    url: path,
    ...(takesMetadata && { validatorCompiler: documentOnly }),
    schema: {
      tags,
      summary,
      description,
      params: path === REGISTER ? ServiceIdParams : ServiceClientParams,
      ...(takesMetadata && { body: ClientMetadataSchema }),
      response: {
        [success]: success === 204 ? { type: 'null' } : ClientInformationSchema,
        ...errors,
      },
    },
    handler: async (request, reply) => {
      const registrationRequest = request as RegistrationRequest
      const service = await requireRegistrationService(engine, registrationRequest.params.serviceId)
      return sendDecision(request, reply, await decide(engine, service, registrationRequest))
    },
  }
}

export const registrationRoutes: FastifyPluginAsync<{ engine: Engine }> = async (
  app,
  { engine },
) => {
  // Any content type (or none) is read as text; the engine parses it (400 invalid_client_metadata).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  answerPreflights(app, REGISTER, ['POST'])
  answerPreflights(app, CONFIGURE, ['GET', 'PUT', 'DELETE'])
  for (const operation of OPERATIONS) app.route(routeOf(engine, operation))
}

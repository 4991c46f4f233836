/**
 * The registration endpoints of every service (RFC 7591 §3, RFC 7592 §2): they hand the
 * raw body text to the engine, so this surface and the DCR API decide identically, and
 * render the engine's Decision as HTTP.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Decision, Engine } from '../engine/index.js'
import {
  ClientInformationDocSchema,
  ClientMetadataDocSchema,
  OAuthErrorSchema,
  ServiceClientParams,
  ServiceIdParams,
} from '../wire/schemas.js'
import { answerPreflights } from './cors.js'
import { addChallenge, sendJson } from './errors.js'
import { bearerToken, requireRegistrationService } from './request-parts.js'

interface ServiceParams {
  serviceId: string
}
interface ClientParams extends ServiceParams {
  clientId: string
}

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
}
const tags = ['Registration endpoints (RFC 7591, RFC 7592)']
/** Metadata is decided by the engine, never by Fastify: the body schema only documents. */
const documentOnly = () => () => true

export const registrationRoutes: FastifyPluginAsync<{ engine: Engine }> = async (
  app,
  { engine },
) => {
  // Any content type (or none) is read as text; the engine parses it (400 invalid_client_metadata).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  answerPreflights(app, '/:serviceId/register', ['POST'])
  answerPreflights(app, '/:serviceId/register/:clientId', ['GET', 'PUT', 'DELETE'])

  app.post<{ Params: ServiceParams; Body: string | undefined }>(
    '/:serviceId/register',
    {
      validatorCompiler: documentOnly,
      schema: {
        tags,
        summary: 'Register a client (RFC 7591 §3.1)',
        description:
          'Client metadata as JSON. `Authorization: Bearer <initial access token>` when the service requires one.',
        params: ServiceIdParams,
        body: ClientMetadataDocSchema,
        response: { 201: ClientInformationDocSchema, ...errors },
      },
    },
    async (request, reply) => {
      const service = await requireRegistrationService(engine, request.params.serviceId)
      const decision = await engine.register(service, {
        json: typeof request.body === 'string' ? request.body : '',
        initialAccessToken: bearerToken(request.headers.authorization),
      })
      return sendDecision(request, reply, decision)
    },
  )

  const configurationSchema = (summary: string, success: number) => ({
    tags,
    summary,
    description: '`Authorization: Bearer <registration_access_token>`',
    params: ServiceClientParams,
    response:
      success === 204
        ? { 204: { type: 'null' }, ...errors }
        : { [success]: ClientInformationDocSchema, ...errors },
  })

  app.get<{ Params: ClientParams }>(
    '/:serviceId/register/:clientId',
    { schema: configurationSchema('Read a client (RFC 7592 §2.1)', 200) },
    async (request, reply) => {
      const service = await requireRegistrationService(engine, request.params.serviceId)
      const decision = await engine.read(service, {
        clientId: request.params.clientId,
        token: bearerToken(request.headers.authorization),
      })
      return sendDecision(request, reply, decision)
    },
  )

  app.put<{ Params: ClientParams; Body: string | undefined }>(
    '/:serviceId/register/:clientId',
    {
      validatorCompiler: documentOnly,
      schema: {
        ...configurationSchema('Update a client (RFC 7592 §2.2)', 200),
        body: ClientMetadataDocSchema,
      },
    },
    async (request, reply) => {
      const service = await requireRegistrationService(engine, request.params.serviceId)
      const decision = await engine.update(service, {
        clientId: request.params.clientId,
        token: bearerToken(request.headers.authorization),
        json: typeof request.body === 'string' ? request.body : '',
      })
      return sendDecision(request, reply, decision)
    },
  )

  app.delete<{ Params: ClientParams }>(
    '/:serviceId/register/:clientId',
    { schema: configurationSchema('Delete a client (RFC 7592 §2.3)', 204) },
    async (request, reply) => {
      const service = await requireRegistrationService(engine, request.params.serviceId)
      const decision = await engine.delete(service, {
        clientId: request.params.clientId,
        token: bearerToken(request.headers.authorization),
      })
      return sendDecision(request, reply, decision)
    },
  )
}

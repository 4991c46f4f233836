/**
 * The registration endpoints of every service (RFC 7591 §3, RFC 7592 §2): they hand the
 * raw body text to the engine, so this surface and the DCR API decide identically, and
 * render the engine's Decision as HTTP.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Decision, Engine, ServiceRecord } from '../engine/index.js'
import { Type, type TSchema } from '@sinclair/typebox'
import {
  ClientInformationSchema,
  ClientMetadataSchema,
  DryRunResultSchema,
  IdempotencyKeyHeaders,
  OAuthError,
  OAuthErrorSchema,
  RegistrationErrorSchema,
  ServiceClientParams,
  ServiceIdParams,
} from '../wire/index.js'
import { answerPreflights } from './cors.js'
import { addChallenge, sendJson } from './errors.js'
import { idempotencyKeyOf } from './idempotency-key.js'
import {
  observingRegistrations,
  type ObserveRegistration,
  type RegistrationObserver,
} from './registration-outcome.js'
import { bearerToken, originOf, requireRegistrationService } from './request-parts.js'

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
  400: RegistrationErrorSchema,
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

/** `?dry_run=true` on POST register; documented here, read by dryRunOf. */
const DryRunQuery = Type.Object({
  dry_run: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description:
        'true: answer 200 with the client the request would register (its metadata and the substitutions the server made) or 400 with every violation; nothing is issued or stored, and no initial access token use is consumed (a required one must still be valid). false or absent: register.',
    }),
  ),
})

/** Whether the request asks for a dry run; any value but true or false is invalid_request. */
function dryRunOf(request: RegistrationRequest): boolean {
  const value = (request.query as Record<string, unknown> | undefined)?.dry_run
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  throw new OAuthError('invalid_request', 'dry_run must be true or false')
}

/** What a client presented for RFC 7592: the client id of the URL and its bearer token. */
const configurationOf = (request: RegistrationRequest) => ({
  clientId: request.params.clientId,
  token: bearerToken(request.headers.authorization),
  origin: originOf(request),
})

/** One endpoint: its route, documentation and the engine decision it renders. */
interface RegistrationOperation {
  method: 'POST' | 'GET' | 'PUT' | 'DELETE'
  path: string
  operationId: string
  summary: string
  description: string
  /** Whether the body carries client metadata. */
  takesMetadata: boolean
  /** The status of success: 201 created, 200 with the client, 204 deleted. */
  success: 200 | 201 | 204
  /** Query parameters and the answers they add, for the documentation. */
  query?: { schema: TSchema; responses: Record<number, TSchema> }
  /** Request headers it reads, documented (the engine decides on their values). */
  headers?: TSchema
  /** Error answers beside the common ones. */
  moreErrors?: Record<number, TSchema>
  decide(
    engine: Engine,
    service: ServiceRecord,
    request: RegistrationRequest,
    observe: ObserveRegistration,
  ): Promise<Decision>
}

const REGISTER = '/:serviceId/register'
const CONFIGURE = '/:serviceId/register/:clientId'
const RENEW_SECRET = `${CONFIGURE}/secret`
const BEARER_RAT = '`Authorization: Bearer <registration_access_token>`'

const OPERATIONS: readonly RegistrationOperation[] = [
  {
    method: 'POST',
    path: REGISTER,
    operationId: 'registrationRegister',
    summary: 'Register a client (RFC 7591 §3.1)',
    description:
      'Client metadata as JSON. `Authorization: Bearer <initial access token>` when the service requires one. ' +
      '`Idempotency-Key` makes a retry answer the same client (draft-ietf-httpapi-idempotency-key-header).',
    takesMetadata: true,
    success: 201,
    query: { schema: DryRunQuery, responses: { 200: DryRunResultSchema } },
    headers: IdempotencyKeyHeaders,
    moreErrors: { 409: OAuthErrorSchema, 422: OAuthErrorSchema },
    decide: (engine, service, request, observe) => {
      // A malformed query or header is refused here, before any registration is counted.
      const dryRun = dryRunOf(request)
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
      return observe(dryRun, () =>
        engine.register(service, {
          json: bodyText(request),
          initialAccessToken: bearerToken(request.headers.authorization),
          dryRun,
          idempotencyKey,
          // The socket's peer, or the X-Forwarded-For client when the peer is a trusted proxy.
          clientAddress: request.ip,
          origin: originOf(request),
        }),
      )
    },
  },
  {
    method: 'GET',
    path: CONFIGURE,
    operationId: 'registrationRead',
    summary: 'Read a client (RFC 7592 §2.1)',
    description: BEARER_RAT,
    takesMetadata: false,
    success: 200,
    decide: (engine, service, request) => engine.read(service, configurationOf(request)),
  },
  {
    method: 'PUT',
    path: CONFIGURE,
    operationId: 'registrationUpdate',
    summary: 'Update a client (RFC 7592 §2.2)',
    description: BEARER_RAT,
    takesMetadata: true,
    success: 200,
    decide: (engine, service, request) =>
      engine.update(service, { ...configurationOf(request), json: bodyText(request) }),
  },
  {
    method: 'POST',
    path: RENEW_SECRET,
    operationId: 'registrationRenewSecret',
    summary: 'Renew the client secret (Registrar extension of RFC 7592)',
    description:
      `${BEARER_RAT}, no body. Registrar's extension of RFC 7592 (not in the RFC): the client gets a new client_secret, ` +
      "with client_secret_expires_at the service's clientSecretLifetime from now (0: never; never past the expiry of a client on probation), " +
      'in a 200 client information response as GET answers it (RFC 7592 §3). The replaced secret is still accepted for the ' +
      "service's clientSecretRotationOverlap (seconds; 0 ends it at once). Refused as GET is (401, RFC 7592 §2.1); " +
      '400 invalid_request for a client whose token_endpoint_auth_method uses no secret. ' +
      'A client that gets 404 or 405 here talks to a server without the extension: it updates (PUT) or registers again instead.',
    takesMetadata: false,
    success: 200,
    decide: (engine, service, request) => engine.renewSecret(service, configurationOf(request)),
  },
  {
    method: 'DELETE',
    path: CONFIGURE,
    operationId: 'registrationDelete',
    summary: 'Delete a client (RFC 7592 §2.3)',
    description: BEARER_RAT,
    takesMetadata: false,
    success: 204,
    decide: (engine, service, request) => engine.delete(service, configurationOf(request)),
  },
]

function routeOf(
  engine: Engine,
  operation: RegistrationOperation,
  observe: ObserveRegistration,
): RouteOptions {
  const { method, path, operationId, summary, description, takesMetadata, success, query } =
    operation
  const { headers, moreErrors } = operation
  return {
    method,
    url: path,
    ...(takesMetadata && { validatorCompiler: documentOnly }),
    schema: {
      tags,
      operationId,
      summary,
      description,
      params: path === REGISTER ? ServiceIdParams : ServiceClientParams,
      ...(query && { querystring: query.schema }),
      ...(takesMetadata && { body: ClientMetadataSchema }),
      ...(headers && { headers }),
      response: {
        [success]: success === 204 ? { type: 'null' } : ClientInformationSchema,
        ...query?.responses,
        ...errors,
        ...moreErrors,
      },
    },
    handler: async (request, reply) => {
      const registrationRequest = request as RegistrationRequest
      const service = await requireRegistrationService(engine, registrationRequest.params.serviceId)
      const decision = await operation.decide(engine, service, registrationRequest, observe)
      return sendDecision(request, reply, decision)
    },
  }
}

export const registrationRoutes: FastifyPluginAsync<{
  engine: Engine
  /** Told what became of each registration (the server's metrics). */
  observeRegistration?: RegistrationObserver
}> = async (app, { engine, observeRegistration }) => {
  const observe = observingRegistrations('endpoint', observeRegistration)
  // Any content type (or none) is read as text; the engine parses it (400 invalid_client_metadata).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  answerPreflights(app, REGISTER, ['POST'])
  answerPreflights(app, CONFIGURE, ['GET', 'PUT', 'DELETE'])
  answerPreflights(app, RENEW_SECRET, ['POST'])
  for (const operation of OPERATIONS) app.route(routeOf(engine, operation, observe))
}

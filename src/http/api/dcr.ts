/**
 * The four DCR calls an authorization server makes on its clients' behalf (Authlete's
 * client/registration API), and Registrar's secret renewal (an extension of RFC 7592). Problems with what the OAuth client sent are HTTP 200 with an action; only a
 * malformed call itself is an HTTP error. Same engine decisions as the registration
 * endpoints, rendered as `{resultCode, resultMessage, action, responseContent, client}`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Decision, Engine, ServiceRecord } from '../../engine/index.js'
import {
  ClientRegistrationRequestSchema,
  ClientRegistrationResponseSchema,
  DCR_RESULT_CODES,
  OAuthError,
  resultMessage,
  ServiceIdParams,
  type ClientRegistrationRequest,
  type ClientRegistrationResponse,
  type DcrOperation,
} from '../../wire/index.js'
import { sendJson } from '../errors.js'
import {
  observingRegistrations,
  type ObserveRegistration,
  type RegistrationObserver,
} from '../registration-outcome.js'
import { originOf, requireService } from '../request-parts.js'
import { apiErrors, apiSecurity } from './route-docs.js'

const tags = ['Dynamic client registration (Authlete)']

/** What the result message says for each action. */
function messageText(operation: DcrOperation, decision: Decision): string {
  const id = decision.client?.clientId
  if (operation === 'secret' && decision.action === 'UPDATED') {
    return 'The client secret has been renewed.'
  }
  switch (decision.action) {
    case 'CREATED':
      return `The client was created with id ${id}.`
    case 'OK':
      return id === undefined
        ? 'Dry run: responseContent holds the client the request would register; nothing was stored.'
        : 'The client information has been returned.'
    case 'UPDATED':
      return 'The client has been updated.'
    case 'DELETED':
      return 'The client has been deleted.'
    case 'INTERNAL_SERVER_ERROR':
      return 'The server could not complete the request.'
    default: {
      const body = decision.body as { error?: string; error_description?: string } | undefined
      return `${body?.error ?? 'error'}: ${body?.error_description ?? ''}`
    }
  }
}

function render(
  engine: Engine,
  operation: DcrOperation,
  decision: Decision,
): ClientRegistrationResponse {
  const code =
    DCR_RESULT_CODES[operation][decision.action] ??
    DCR_RESULT_CODES[operation]['INTERNAL_SERVER_ERROR']!
  const response: ClientRegistrationResponse = {
    resultCode: code,
    resultMessage: resultMessage(code, messageText(operation, decision)),
    action: decision.action,
  }
  if (decision.body !== undefined) response.responseContent = JSON.stringify(decision.body)
  if (decision.client && decision.action !== 'DELETED') {
    response.client = engine.toAuthleteClient(decision.service, decision.client)
  }
  return response
}

type DcrRequest = FastifyRequest<{
  Params: { serviceId: string }
  Body: ClientRegistrationRequest
}>

const OPERATIONS: {
  operation: DcrOperation
  path: string
  /** The Authlete SDK's function name (`dynamicClientRegistration.register`). */
  operationId: string
  summary: string
  description?: string
  needsJson: boolean
  run: (
    engine: Engine,
    request: DcrRequest,
    service: ServiceRecord,
    observe: ObserveRegistration,
  ) => Promise<Decision>
}[] = [
  {
    operation: 'register',
    operationId: 'dynamicClientRegistrationRegister',
    path: '/api/:serviceId/client/registration',
    summary: 'Register a client (RFC 7591 §3.1)',
    description:
      "`json` is the client's request body; `token` the initial access token, if any; `dryRun: true` decides without registering.",
    needsJson: true,
    run: (engine, request, service, observe) =>
      observe(request.body.dryRun === true, () =>
        engine.register(service, {
          json: request.body.json!,
          initialAccessToken: request.body.token || undefined,
          dryRun: request.body.dryRun === true,
          origin: originOf(request),
        }),
      ),
  },
  {
    operation: 'get',
    operationId: 'dynamicClientRegistrationGet',
    path: '/api/:serviceId/client/registration/get',
    summary: 'Read a dynamically registered client (RFC 7592 §2.1)',
    needsJson: false,
    run: (engine, request, service) =>
      engine.read(service, { ...configurationOf(request), origin: originOf(request) }),
  },
  {
    operation: 'update',
    operationId: 'dynamicClientRegistrationUpdate',
    path: '/api/:serviceId/client/registration/update',
    summary: 'Update a dynamically registered client (RFC 7592 §2.2)',
    needsJson: true,
    run: (engine, request, service) =>
      engine.update(service, {
        ...configurationOf(request),
        json: request.body.json!,
        origin: originOf(request),
      }),
  },
  {
    operation: 'secret',
    operationId: 'dynamicClientRegistrationRenewSecret',
    path: '/api/:serviceId/client/registration/secret',
    summary: "Renew a dynamically registered client's secret (Registrar extension of RFC 7592)",
    description:
      "With the client's registration access token, for an authorization server that serves `POST {registration_client_uri}/secret`. Answers action UPDATED with the client information response (its new `client_secret` and `client_secret_expires_at`), UNAUTHORIZED as get does, BAD_REQUEST for a client whose auth method uses no secret.",
    needsJson: false,
    run: (engine, request, service) =>
      engine.renewSecret(service, { ...configurationOf(request), origin: originOf(request) }),
  },
  {
    operation: 'delete',
    operationId: 'dynamicClientRegistrationDelete',
    path: '/api/:serviceId/client/registration/delete',
    summary: 'Delete a dynamically registered client (RFC 7592 §2.3)',
    description:
      'Answers HTTP 200 with action DELETED; the authorization server answers the client 204.',
    needsJson: false,
    run: (engine, request, service) =>
      engine.delete(service, { ...configurationOf(request), origin: originOf(request) }),
  },
]

/** The client and registration access token a configuration call names. */
function configurationOf({ body }: DcrRequest) {
  return { clientId: body.clientId, token: body.token }
}

export const dcrRoutes: FastifyPluginAsync<{
  engine: Engine
  observeRegistration?: RegistrationObserver
}> = async (app, { engine, observeRegistration }) => {
  const observe = observingRegistrations('api', observeRegistration)
  for (const { operation, path, operationId, summary, description, needsJson, run } of OPERATIONS) {
    app.post<{ Params: { serviceId: string }; Body: ClientRegistrationRequest }>(
      path,
      {
        schema: {
          tags,
          operationId,
          summary,
          ...(description !== undefined && { description }),
          security: apiSecurity,
          params: ServiceIdParams,
          body: ClientRegistrationRequestSchema,
          response: { 200: ClientRegistrationResponseSchema, ...apiErrors },
        },
      },
      async (request, reply) => {
        if (needsJson && request.body.json === undefined) {
          throw new OAuthError('invalid_request', `'json' is required for ${operation}`)
        }
        const service = await requireService(engine, request.params.serviceId)
        const decision = await run(engine, request, service, observe)
        if (decision.action === 'INTERNAL_SERVER_ERROR') {
          request.log.error({ err: decision.error }, `client registration ${operation} failed`)
        }
        return sendJson(reply, 200, render(engine, operation, decision))
      },
    )
  }
}

/**
 * Client secret rotation through Authlete's calls (`client/secret/refresh`,
 * `client/secret/update`), with the overlap of the service's clientSecretRotationOverlap.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { ClientSecretRotation, Engine } from '../../engine/index.js'
import {
  CLIENT_SECRET_RESULT_CODES,
  ClientSecretResultSchema,
  ClientSecretUpdateSchema,
  resultMessage,
  ServiceClientParams,
  type ClientSecretResult,
  type ClientSecretUpdateBody,
} from '../../wire/index.js'
import { originOf, requireService } from '../request-parts.js'
import { operation, type Operation } from './operations.js'

type ClientParams = Static<typeof ServiceClientParams>

const OVERLAP =
  "The replaced secret is still accepted by client/authenticate for the service's clientSecretRotationOverlap (seconds; 0, the default, ends it at once), never past its own expiry; the new one expires after the service's clientSecretLifetime. A client whose token_endpoint_auth_method uses no secret gets a 400. The rotation is a `client.secret_rotated` audit event."

function answer(code: string, text: string, rotation: ClientSecretRotation): ClientSecretResult {
  return {
    resultCode: code,
    resultMessage: resultMessage(code, text),
    newClientSecret: rotation.newClientSecret,
    ...(rotation.oldClientSecret !== undefined && { oldClientSecret: rotation.oldClientSecret }),
  }
}

async function refresh(engine: Engine, request: FastifyRequest<{ Params: ClientParams }>) {
  const { serviceId, clientId } = request.params
  const service = await requireService(engine, serviceId)
  const rotation = await engine.refreshClientSecret(service, clientId, originOf(request))
  return answer(
    CLIENT_SECRET_RESULT_CODES.refresh,
    `The client secret of client ${rotation.client.clientId} was refreshed.`,
    rotation,
  )
}

const refreshOperation = (method: 'GET' | 'POST') =>
  operation<{ Params: ClientParams }>({
    method,
    path: '/api/:serviceId/client/secret/refresh/:clientId',
    // The Authlete SDK's refreshSecret is the GET.
    operationId:
      method === 'GET' ? 'clientManagementRefreshSecret' : 'clientManagementRefreshSecretPost',
    summary: 'Give a client a new secret',
    description: `A new secret drawn by Registrar. ${OVERLAP}`,
    params: ServiceClientParams,
    answer: ClientSecretResultSchema,
    run: refresh,
  })

export const CLIENT_SECRET_OPERATIONS: readonly Operation[] = [
  refreshOperation('GET'),
  refreshOperation('POST'),
  operation<{ Params: ClientParams; Body: ClientSecretUpdateBody }>({
    method: 'POST',
    path: '/api/:serviceId/client/secret/update/:clientId',
    operationId: 'clientManagementUpdateSecret',
    summary: 'Set the secret of a client',
    description: `The secret in the body, 1 to 86 characters of the base64url alphabet. ${OVERLAP}`,
    params: ServiceClientParams,
    body: ClientSecretUpdateSchema,
    bodyRequired: true,
    answer: ClientSecretResultSchema,
    run: async (engine, request) => {
      const { params, body } = request
      const service = await requireService(engine, params.serviceId)
      const rotation = await engine.updateClientSecret(
        service,
        params.clientId,
        body.clientSecret,
        originOf(request),
      )
      return answer(
        CLIENT_SECRET_RESULT_CODES.update,
        `The client secret of client ${rotation.client.clientId} was updated.`,
        rotation,
      )
    },
  }),
]

/**
 * A service's registration policy document (wire/policy.ts): read and
 * replaced whole. The engine checks a document (shape and values) and is the one source of
 * the 400 that names the field; PolicySchema documents the body in the OpenAPI document.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine } from '../../engine/index.js'
import { PolicySchema, ServiceIdParams } from '../../wire/index.js'
import { requireService } from '../request-parts.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>

const OPERATIONS = [
  operation<{ Params: ServiceParams }>({
    method: 'GET',
    path: '/api/:serviceId/service/policy',
    operationId: 'servicePolicyGet',
    summary: "The service's registration policy document",
    description: 'A new service has the empty document `{}`: no rule beyond its settings.',
    params: ServiceIdParams,
    answer: PolicySchema,
    run: async (engine, { params }) => (await requireService(engine, params.serviceId)).policy,
  }),
  operation<{ Params: ServiceParams; Body: unknown }>({
    method: 'POST',
    path: '/api/:serviceId/service/policy',
    operationId: 'servicePolicyReplace',
    summary: "Replace the service's registration policy document",
    description:
      'The body replaces the whole document (`{}` removes every rule; an empty body is ' +
      'refused, so a call sent without one cannot) and applies to the ' +
      'next registration; the answer is the stored document. A document with an unknown ' +
      'member, a value of the wrong type, a value Registrar does not know (a grant type, a ' +
      'host) or a `defaultScope` outside `scopes` is refused with 400 naming the field, ' +
      'and the stored document stays as it was.',
    params: ServiceIdParams,
    body: PolicySchema,
    bodyCheck: 'engine',
    bodyRequired: true,
    answer: PolicySchema,
    run: async (engine, { params, body }) => {
      const service = await requireService(engine, params.serviceId)
      return (await engine.replacePolicy(service.apiKey, body)).policy
    },
  }),
]

export const policyRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(app, engine, ['Registration policy (Registrar extension)'], OPERATIONS)
}

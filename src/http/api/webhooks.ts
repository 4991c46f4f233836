/**
 * Registrar's webhook extension (README, Webhooks): a service's webhooks, whose signing
 * secret is answered once, at creation, and their deliveries not yet made.
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { Engine, WebhookDeliveryRecord, WebhookRecord } from '../../engine/index.js'
import {
  ServiceIdParams,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  WebhookParams,
  type WebhookCreateBody,
  type WebhookDeliveryInfo,
  type WebhookInfo,
} from '../../wire/index.js'
import { requireService } from '../request-parts.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>
type Params = Static<typeof WebhookParams>

/** A webhook as listed: never its secret. */
function listedWebhook(record: WebhookRecord): WebhookInfo {
  return {
    id: record.id,
    url: record.url,
    kinds: record.kinds,
    ...(record.description !== undefined && { description: record.description }),
    createdAt: record.createdAt,
  }
}

function listedDelivery(record: WebhookDeliveryRecord): WebhookDeliveryInfo {
  return {
    eventId: String(record.eventNumber),
    state: record.failedAt === undefined ? 'pending' : 'failed',
    attempts: record.attempts,
    dueAt: record.dueAt,
    ...(record.lastError !== undefined && { lastError: record.lastError }),
    ...(record.failedAt !== undefined && { failedAt: record.failedAt }),
  }
}

const OPERATIONS = [
  operation<{ Params: ServiceParams; Body: WebhookCreateBody }>({
    method: 'POST',
    path: '/api/:serviceId/webhook/create',
    operationId: 'webhookCreate',
    summary: "Create a webhook for the service's events",
    description:
      'Events are POSTed as CloudEvents 1.0 (structured JSON), signed the Standard Webhooks way with `secret`, which is shown once.',
    params: ServiceIdParams,
    body: WebhookCreateSchema,
    answer: WebhookCreatedSchema,
    run: async (engine, { params, body }) => {
      const service = await requireService(engine, params.serviceId)
      return engine.createWebhook(service.apiKey, body)
    },
  }),
  operation<{ Params: ServiceParams }>({
    method: 'GET',
    path: '/api/:serviceId/webhook/list',
    operationId: 'webhookList',
    summary: "List the service's webhooks (no secrets)",
    params: ServiceIdParams,
    answer: WebhookListSchema,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      return { webhooks: (await engine.listWebhooks(service.apiKey)).map(listedWebhook) }
    },
  }),
  operation<{ Params: Params }>({
    method: 'DELETE',
    path: '/api/:serviceId/webhook/:id',
    operationId: 'webhookDelete',
    summary: 'Delete a webhook, with whatever is still queued for it',
    params: WebhookParams,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      await engine.deleteWebhook(service.apiKey, params.id)
    },
  }),
  operation<{ Params: Params }>({
    method: 'GET',
    path: '/api/:serviceId/webhook/:id/deliveries',
    operationId: 'webhookDeliveriesList',
    summary: "A webhook's deliveries not yet made: pending (with their next attempt) and failed",
    description: 'Oldest first, at most 1000.',
    params: WebhookParams,
    answer: WebhookDeliveryListSchema,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      const deliveries = await engine.listWebhookDeliveries(service.apiKey, params.id)
      return { deliveries: deliveries.map(listedDelivery) }
    },
  }),
]

export const webhookRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(app, engine, ['Webhooks (Registrar extension)'], OPERATIONS)
}

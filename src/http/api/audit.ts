/**
 * The audit history through the API: a service's events, newest first,
 * a client's versions and a rollback to one, the erasure of a client's personal data,
 * and the verification of the whole chain (admin only: it spans every service).
 */
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import {
  AUDIT_KINDS,
  type AuditKind,
  type Engine,
  type StoredAuditEvent,
} from '../../engine/index.js'
import {
  AuditErasedSchema,
  AuditPageSchema,
  AuditQuery,
  AuditVerificationSchema,
  AuditVerifyQuery,
  ClientSchema,
  ClientVersionListSchema,
  MAX_PAGE_SIZE,
  OAuthError,
  RollbackBodySchema,
  ServiceClientParams,
  ServiceIdParams,
  type RollbackBody,
} from '../../wire/index.js'
import { originOf, requireService } from '../request-parts.js'
import { addOperations, operation } from './operations.js'

type ServiceParams = Static<typeof ServiceIdParams>
type ClientParams = Static<typeof ServiceClientParams>

const DEFAULT_AUDIT_PAGE = 100

/** The kinds a `kind` filter names; an unknown one is refused, not silently matched by none. */
function kindsOf(filter: string | undefined): AuditKind[] | undefined {
  if (filter === undefined) return undefined
  const kinds = filter.split(',').map((kind) => kind.trim())
  for (const kind of kinds) {
    if (!(AUDIT_KINDS as readonly string[]).includes(kind)) {
      throw new OAuthError(
        'invalid_request',
        `kind: '${kind}' is not one of ${AUDIT_KINDS.join(', ')}`,
      )
    }
  }
  return kinds as AuditKind[]
}

const optionalNumber = (value: string | undefined) =>
  value === undefined ? undefined : Number(value)

/** An event as the API shows it: the erased ones with an empty detail. */
function shownEvent({ serviceApiKey: _service, ...event }: StoredAuditEvent) {
  return event
}

const OPERATIONS = [
  operation<{ Params: ServiceParams; Querystring: Static<typeof AuditQuery> }>({
    method: 'GET',
    path: '/api/:serviceId/audit',
    operationId: 'auditList',
    summary: "Page through a service's audit events, newest first",
    description:
      'Creates, updates, rollbacks, deletes, failed authentications, rejected registrations and ' +
      'management reads of clients (RFC 7592 reads are not recorded). Filters combine; pass ' +
      '`next` as `before` for the next page. Erased events keep their place with an empty detail.',
    params: ServiceIdParams,
    querystring: AuditQuery,
    answer: AuditPageSchema,
    run: async (engine, { params, query }) => {
      const service = await requireService(engine, params.serviceId)
      const limit = Math.min(Math.max(Number(query.limit ?? DEFAULT_AUDIT_PAGE), 1), MAX_PAGE_SIZE)
      const events = await engine.auditEvents(service, {
        clientId: optionalNumber(query.clientId),
        actor: query.actor,
        kinds: kindsOf(query.kind),
        from: optionalNumber(query.from),
        to: optionalNumber(query.to),
        before: optionalNumber(query.before),
        limit,
      })
      const last = events.at(-1)
      return {
        events: events.map(shownEvent),
        ...(events.length === limit && last && { next: last.number }),
      }
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'GET',
    path: '/api/:serviceId/client/versions/:clientId',
    operationId: 'clientVersionsList',
    summary: "A client's metadata versions, newest first",
    description: 'Secrets are masked. Versions older than the audit retention are gone.',
    params: ServiceClientParams,
    answer: ClientVersionListSchema,
    run: async (engine, { params }) => {
      const service = await requireService(engine, params.serviceId)
      return { versions: await engine.clientVersions(service, params.clientId) }
    },
  }),
  operation<{ Params: ClientParams; Body: RollbackBody }>({
    method: 'POST',
    path: '/api/:serviceId/client/rollback/:clientId',
    operationId: 'clientRollback',
    summary: "Set a client's metadata back to a version, as a new version",
    description:
      'Masked secrets keep their current values; the secret and registration access token stay.',
    params: ServiceClientParams,
    body: RollbackBodySchema,
    bodyRequired: true,
    answer: ClientSchema,
    run: async (engine, request) => {
      const { params, body } = request
      const service = await requireService(engine, params.serviceId)
      const client = await engine.rollbackClient(
        service,
        params.clientId,
        body.version,
        originOf(request),
      )
      return engine.toAuthleteClient(service, client)
    },
  }),
  operation<{ Params: ClientParams }>({
    method: 'POST',
    path: '/api/:serviceId/audit/erase/:clientId',
    operationId: 'auditErase',
    summary: "Erase a client's personal data from the audit history",
    description:
      'Replaces the detail (source addresses, metadata, diffs) of every event of the client; the ' +
      'events keep their place and the chain stays verifiable. The erasure is itself an event.',
    params: ServiceClientParams,
    answer: AuditErasedSchema,
    run: async (engine, request) => {
      const { params } = request
      const service = await requireService(engine, params.serviceId)
      const clientId = Number(params.clientId)
      if (!Number.isSafeInteger(clientId) || clientId <= 0) {
        throw new OAuthError('invalid_request', 'clientId must be a numeric client id')
      }
      return { erased: await engine.eraseClientHistory(service, clientId, originOf(request)) }
    },
  }),
  operation<{ Querystring: Static<typeof AuditVerifyQuery> }>({
    method: 'GET',
    path: '/api/audit/verify',
    operationId: 'auditVerify',
    summary: "Verify the audit chain (the admin token's only)",
    description:
      'Walks the chain from where retention cut it to its head: an edited, deleted or reordered ' +
      'event, or an edited detail, is a problem. Compare `head` with one logged earlier to see ' +
      'that the chain was not rewritten whole.',
    access: 'admin',
    querystring: AuditVerifyQuery,
    answer: AuditVerificationSchema,
    run: async (engine, { query }) => {
      const { headSeq, headHash } = query
      if ((headSeq === undefined) !== (headHash === undefined)) {
        throw new OAuthError('invalid_request', 'headSeq and headHash go together')
      }
      const anchor = headSeq === undefined ? undefined : { seq: Number(headSeq), hash: headHash! }
      const verification = await engine.verifyAudit(anchor)
      return { ok: verification.problems.length === 0, ...verification }
    },
  }),
]

export const auditRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  addOperations(app, engine, ['Audit history'], OPERATIONS)
}

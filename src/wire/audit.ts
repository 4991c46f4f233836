/**
 * The audit history on the wire: events as `GET /api/{S}/audit` pages through them,
 * a client's versions, a rollback, an erasure and a verification.
 * Times are milliseconds since the epoch, as Authlete's createdAt.
 */
import { Type, type Static } from '@sinclair/typebox'
import { MAX_PAGE_SIZE } from './pages.js'

/** The kinds of audit event (README, Audit). */
export const AUDIT_EVENT_KINDS = [
  'client.created',
  'client.updated',
  'client.deleted',
  'client.rolled_back',
  'client.read',
  'client.erased',
  'client.reaped',
  'client.restored',
  'client.purged',
  'client.secret_rotated',
  // A Client ID Metadata Document fetched again names other redirect URIs or keys.
  'client.metadata_document_changed',
  'authentication.failed',
  'registration.rejected',
  // A retired registration access token presented again: its lineage revoked (token-rotation.ts).
  'registration_token.reused',
  // An administrator issued a client a new registration access token.
  'registration_token.reissued',
] as const
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number]

const digits = (description: string) => Type.String({ pattern: '^[0-9]{1,16}$', description })

/** Who can be the actor of an event. */
const ACTORS =
  '`admin`, `service_token:<id>`, `service_secret:<apiKey>`, `initial_access_token:<id>`, ' +
  '`registration_access_token:<client id>`, `anonymous` or `system` (the sweep that reaps and purges clients)'

export const AuditQuery = Type.Object({
  clientId: Type.Optional(digits('Only events of this client')),
  actor: Type.Optional(
    Type.String({
      maxLength: 200,
      description: `Only events of this actor: ${ACTORS}`,
    }),
  ),
  kind: Type.Optional(
    Type.String({
      maxLength: 500,
      description:
        'Only events of these kinds, comma-separated, e.g. `client.created,client.deleted`',
    }),
  ),
  from: Type.Optional(digits('Only events at or after this time (milliseconds since the epoch)')),
  to: Type.Optional(digits('Only events before this time (milliseconds since the epoch)')),
  before: Type.Optional(digits("Only events numbered below this: the previous page's `next`")),
  limit: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,4}$',
      description: `Events in the page; default 100, at most ${MAX_PAGE_SIZE}`,
    }),
  ),
})

export const AuditVerifyQuery = Type.Object({
  headSeq: Type.Optional(digits('The seq of a head logged earlier ("audit chain head")')),
  headHash: Type.Optional(
    Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'The hash of that head' }),
  ),
})

export const AuditEventSchema = Type.Object({
  number: Type.Integer({ description: 'Increasing: a newer event has a higher number' }),
  seq: Type.Optional(
    Type.Integer({ description: "The event's place in the hash chain; absent until sealed" }),
  ),
  kind: Type.String({ examples: ['client.updated'], description: 'What happened' }),
  clientId: Type.Optional(Type.Integer({ description: 'The client it happened to, if any' })),
  actor: Type.String({ description: `Who did it: ${ACTORS}` }),
  requestId: Type.Optional(Type.String({ description: 'The X-Request-Id of the request' })),
  at: Type.Integer({ description: 'Milliseconds since the epoch' }),
  detail: Type.Object(
    {
      source: Type.Optional(Type.String({ description: "The caller's IP address" })),
      version: Type.Optional(
        Type.Integer({ description: "The client's metadata version the event made" }),
      ),
      metadata: Type.Optional(
        Type.Object({}, { additionalProperties: true, description: 'Secrets masked' }),
      ),
      diff: Type.Optional(
        Type.Record(
          Type.String(),
          Type.Object({
            from: Type.Optional(Type.Unknown({ description: 'The value before; absent if none' })),
            to: Type.Optional(Type.Unknown({ description: 'The value after; absent if none' })),
          }),
          { description: 'Each changed metadata member, by name' },
        ),
      ),
      error: Type.Optional(Type.String({ description: 'A refusal: its OAuth error code' })),
      rule: Type.Optional(Type.String({ description: 'A refusal: the rule that refused it' })),
      reason: Type.Optional(
        Type.String({
          description:
            'registration_token.reused: `previous_after_grace` or `retired` (which replaced token came back)',
        }),
      ),
      documentUrl: Type.Optional(
        Type.String({
          description:
            'client.metadata_document_changed: the client_id URL whose document changed (diff holds redirect_uris, jwks, jwks_uri as before and after; version the new pinned version)',
        }),
      ),
      previousSecretValidUntil: Type.Optional(
        Type.Integer({
          description:
            'client.secret_rotated: until when (milliseconds, exclusive) the replaced secret is still accepted; absent when it stopped at once',
        }),
      ),
    },
    { description: 'Empty once erased' },
  ),
  erased: Type.Boolean({ description: 'Whether its personal data was erased' }),
})

export const AuditPageSchema = Type.Object({
  events: Type.Array(AuditEventSchema, { description: 'The events, newest first' }),
  next: Type.Optional(
    Type.Integer({ description: 'Pass as `before` for the next (older) page; absent on the last' }),
  ),
})

export const ClientVersionListSchema = Type.Object({
  versions: Type.Array(
    Type.Object({
      version: Type.Integer({ description: 'The version number, from 1' }),
      kind: Type.String({ description: 'The audit event that made it' }),
      actor: Type.String({ description: `Who did it: ${ACTORS}` }),
      at: Type.Integer({ description: 'Milliseconds since the epoch' }),
      metadata: Type.Optional(
        Type.Object(
          {},
          { additionalProperties: true, description: 'Secrets masked; absent once erased' },
        ),
      ),
    }),
    { description: 'The versions, newest first' },
  ),
})

export const RollbackBodySchema = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'The version to set the metadata back to' }),
})
export type RollbackBody = Static<typeof RollbackBodySchema>

export const AuditErasedSchema = Type.Object({
  erased: Type.Integer({ description: 'Events whose personal data was erased' }),
})

export const AuditVerificationSchema = Type.Object({
  ok: Type.Boolean({ description: 'Whether the chain is whole' }),
  checked: Type.Integer({ description: 'Sealed events checked' }),
  head: Type.Object(
    {
      seq: Type.Integer({ description: 'The seq of the last sealed event' }),
      hash: Type.String({ description: 'Its chain hash (base64url SHA-256)' }),
    },
    { description: 'The head of the chain now: log it to check against later' },
  ),
  problems: Type.Array(
    Type.Object({
      seq: Type.Optional(Type.Integer({ description: 'Where in the chain' })),
      number: Type.Optional(Type.Integer({ description: 'The event concerned' })),
      problem: Type.String({ description: 'What is wrong' }),
    }),
    { description: 'Each break found; empty when ok' },
  ),
  unsealed: Type.Integer({ description: 'Events written but not sealed yet' }),
})

export type AuditPage = Static<typeof AuditPageSchema>
export type AuditEventView = Static<typeof AuditEventSchema>
export type ClientVersionList = Static<typeof ClientVersionListSchema>
export type AuditVerificationResult = Static<typeof AuditVerificationSchema>

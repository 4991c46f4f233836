/**
 * The orphan report of a service (`GET /api/{S}/client/orphans`): clients that look
 * abandoned, for an administrator to review before setting `clientIdleLifetime` or deleting
 * by hand. MCP hosts register anew per installation and never delete (their SDK drops the
 * registration access token), so the same software piles up as near-identical clients.
 * Times are milliseconds since the epoch, as Authlete's createdAt.
 */
import { Type, type Static } from '@sinclair/typebox'

/** Never-used clients younger than this are not listed by default: seconds (1 day). */
export const DEFAULT_ORPHAN_AGE_SECONDS = 86_400
/** Clients listed, and groups of each kind, by default. */
export const DEFAULT_ORPHAN_LIMIT = 100
/** The most clients, and groups of each kind, one report lists. */
export const MAX_ORPHAN_LIMIT = 1000
/** The most clients a report's groups name each; `count` tells the rest. */
export const ORPHAN_GROUP_MEMBERS = 20

const digits = (description: string) => Type.String({ pattern: '^[0-9]{1,10}$', description })

export const ClientOrphansQuery = Type.Object({
  olderThan: Type.Optional(
    digits(
      `Seconds: a never-used client is listed once it is this old; default ${DEFAULT_ORPHAN_AGE_SECONDS}`,
    ),
  ),
  limit: Type.Optional(
    digits(
      `Never-used clients listed, and duplicate groups of each kind, at most; default ${DEFAULT_ORPHAN_LIMIT}, at most ${MAX_ORPHAN_LIMIT}`,
    ),
  ),
})
export type ClientOrphansQueryString = Static<typeof ClientOrphansQuery>

export const OrphanClientSchema = Type.Object({
  clientId: Type.Integer({ description: 'The client id' }),
  documentUrl: Type.Optional(
    Type.String({
      description:
        "A Client ID Metadata Document's client: its client_id URL (clientId is then its number and createdAt when its document was first fetched); absent for a registered client",
    }),
  ),
  clientName: Type.Optional(Type.String({ description: 'client_name (RFC 7591 §2)' })),
  softwareId: Type.Optional(Type.String({ description: 'software_id (RFC 7591 §2)' })),
  createdAt: Type.Integer({ description: 'When it was registered, milliseconds since the epoch' }),
  lastUsedAt: Type.Optional(
    Type.Integer({ description: 'Absent when never used; kept to the hour' }),
  ),
})
/** One client of the orphan report. */
export type OrphanClient = Static<typeof OrphanClientSchema>

export const DuplicateGroupSchema = Type.Object({
  key: Type.String({
    description:
      'What the clients share: the software_id, the client_name, or the redirect_uris sorted and joined by spaces',
  }),
  count: Type.Integer({ description: 'Clients in the group' }),
  clients: Type.Array(OrphanClientSchema, {
    description: `The first ${ORPHAN_GROUP_MEMBERS} of them, oldest first`,
  }),
})
/** Clients that share a software_id, a client_name or a set of redirect URIs. */
export type DuplicateGroup = Static<typeof DuplicateGroupSchema>

const Groups = (what: string) =>
  Type.Array(DuplicateGroupSchema, { description: `${what}; the largest groups first` })

export const ClientOrphanReportSchema = Type.Object({
  neverUsed: Type.Object(
    {
      count: Type.Integer({ description: 'Never-used clients old enough, in all' }),
      clients: Type.Array(OrphanClientSchema, { description: 'The oldest of them first' }),
    },
    { description: 'Clients that never used their credentials or registration access token' },
  ),
  duplicates: Type.Object(
    {
      softwareId: Groups('Clients sharing a software_id'),
      clientName: Groups('Clients sharing a client_name'),
      redirectUris: Groups('Clients sharing a set of redirect_uris, whatever their order'),
    },
    { description: 'Groups of clients that look like registrations of one client' },
  ),
  scanned: Type.Integer({ description: 'Live clients examined' }),
  complete: Type.Boolean({
    description: 'False when the service holds more live clients than one report examines',
  }),
})
/** @see `GET /api/{S}/client/orphans` in the OpenAPI document */
export type ClientOrphanReport = Static<typeof ClientOrphanReportSchema>

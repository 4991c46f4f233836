/**
 * The audit history: what happened to a service's clients, who did it, from where. Every
 * change, failed authentication, policy rejection and management read of a client is an
 * event; RFC 7592 reads are not (they are the hot path, and change nothing). The AuditTrail
 * port keeps them; store/audit-trail.ts chains them by hash.
 */
import { AUDIT_EVENT_KINDS, type AuditEventKind, type ClientMetadata } from '../wire/index.js'
import type { Principal } from './access-tokens.js'

export const AUDIT_KINDS = AUDIT_EVENT_KINDS

export type AuditKind = AuditEventKind

/** What may be personal in an event: kept apart, hashed apart, erasable. */
export interface AuditDetail {
  /** The caller's IP address. */
  source?: string
  /** The client's version after the change. */
  version?: number
  /** The client's metadata after the change, secrets masked: a version to roll back to. */
  metadata?: ClientMetadata
  /** What changed, member by member, secrets masked. */
  diff?: Record<string, { from?: unknown; to?: unknown }>
  /** Why a request was refused: its OAuth error code. */
  error?: string
  /** The rule that refused a registration (violations' `rule`). */
  rule?: string
  /** Which replaced registration access token came back (registration_token.reused). */
  reason?: string
  /** The client_id URL of a Client ID Metadata Document (client.metadata_document_changed). */
  documentUrl?: string
  /** A rotation's overlap: until when the replaced secret is accepted (ms, exclusive). */
  previousSecretValidUntil?: number
  /**
   * Refusals of this kind from the same network left out of the history before this one,
   * past REFUSAL_EVENTS_PER_MINUTE (audit-events.ts).
   */
  leftOut?: number
}

export interface AuditEvent {
  kind: AuditKind
  /** 0 for events of no service (a bad token on a server-wide route). */
  serviceApiKey: number
  clientId?: number
  /**
   * The client's record number (ClientRecord.number), when the engine holds the record; the
   * store fills it in otherwise, while the client exists.
   */
  clientNumber?: number
  /**
   * Who acted: `admin`, `service_token:<id>`, `service_secret:<apiKey>`, `initial_access_token:<id>`,
   * `registration_access_token:<client id>`, `anonymous`.
   */
  actor: string
  requestId?: string
  /** Milliseconds since the epoch. */
  at: number
  detail: AuditDetail
}

/** An event as kept: its number (newest highest) and whether its detail was erased. */
export interface StoredAuditEvent extends AuditEvent {
  number: number
  /** Its place in the chain; absent until sealed (within about a second). */
  seq?: number
  erased: boolean
}

export interface AuditQuery {
  serviceApiKey: number
  clientId?: number
  actor?: string
  kinds?: AuditKind[]
  /** Milliseconds since the epoch, inclusive. */
  from?: number
  /** Milliseconds since the epoch, exclusive. */
  to?: number
  /** Only events numbered below this (the previous page's `next`). */
  before?: number
  limit: number
}

/** A place in the chain and its hash, as the sealer logs its head. */
export interface AuditAnchor {
  seq: number
  hash: string
}

/** What verification found: nothing in `problems` means the chain is whole. */
export interface AuditVerification {
  /** Events checked. */
  checked: number
  /** The chain's head: its last seq and hash. */
  head: { seq: number; hash: string }
  /** Each break: an edited, missing or reordered event, or a detail that is not its hash's. */
  problems: { seq?: number; number?: number; problem: string }[]
  /** Events written but not yet sealed. */
  unsealed: number
}

/** Where the audit history is kept (store/audit-trail.ts). */
export interface AuditTrail {
  /** Keeps the events durably before resolving. */
  append(events: AuditEvent[]): Promise<void>
  /** Newest first. */
  list(query: AuditQuery): Promise<StoredAuditEvent[]>
  /** Seals what was written since the last seal into the chain; resolves how many. */
  seal(): Promise<number>
  /** The chain's last seq and hash, as sealed so far. */
  head(): Promise<AuditAnchor>
  /** Walks the chain; with `anchor` (a head seen earlier), also checks the chain holds it. */
  verify(anchor?: AuditAnchor): Promise<AuditVerification>
  /** Deletes sealed events older than `before` from the chain's start; resolves how many. */
  prune(before: number): Promise<number>
  /** Erases the detail of every event of the client; resolves how many. */
  erase(serviceApiKey: number, clientId: number): Promise<number>
}

/** Who made a request and from where, as the HTTP layer knows it. */
export interface RequestOrigin {
  requestId?: string
  /** The caller's IP address. */
  address?: string
  /** The API bearer token's principal, for management API calls. */
  principal?: Principal
}

/** The actor of an API call made with `principal`. */
export function principalActor(principal: Principal | undefined): string {
  if (!principal) return 'anonymous'
  if (principal.kind === 'admin') return 'admin'
  return principal.tokenId === undefined
    ? `service_secret:${principal.serviceApiKey}`
    : `service_token:${principal.tokenId}`
}

/** The value shown for a masked secret. */
export const MASKED = '********'

/** Metadata members named as secrets. */
const SECRET_MEMBER = /secret|password|registration_access_token/i

/** Whether maskSecrets masks the member's value whole (a member named as a secret). */
export function isSecretMember(member: string): boolean {
  return SECRET_MEMBER.test(member)
}

/** JWK members that hold private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])

/**
 * The metadata with secrets masked: anything named as a secret or token, and private key
 * material of a JWK Set, which a client should never send but might.
 */
export function maskSecrets(metadata: ClientMetadata): ClientMetadata {
  // Most metadata has nothing to mask: then it is answered as it is, not copied.
  if (!Object.keys(metadata).some((member) => member === 'jwks' || isSecretMember(member))) {
    return metadata
  }
  const masked: Record<string, unknown> = {}
  for (const [member, value] of Object.entries(metadata)) {
    if (isSecretMember(member)) masked[member] = MASKED
    else if (member === 'jwks' && isObject(value)) masked[member] = maskJwks(value)
    else masked[member] = value
  }
  return masked as ClientMetadata
}

function maskJwks(jwks: Record<string, unknown>): unknown {
  if (!Array.isArray(jwks['keys'])) return jwks
  return {
    ...jwks,
    keys: jwks['keys'].map((key: unknown) =>
      isObject(key)
        ? Object.fromEntries(
            Object.entries(key).map(([name, value]) => [
              name,
              PRIVATE_JWK_MEMBERS.has(name) ? MASKED : value,
            ]),
          )
        : key,
    ),
  }
}

/** The members that differ between two (masked) metadata documents. */
export function metadataDiff(
  before: ClientMetadata | undefined,
  after: ClientMetadata | undefined,
): AuditDetail['diff'] {
  const from = (before ?? {}) as Record<string, unknown>
  const to = (after ?? {}) as Record<string, unknown>
  const diff: NonNullable<AuditDetail['diff']> = {}
  for (const member of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (JSON.stringify(from[member]) === JSON.stringify(to[member])) continue
    diff[member] = {
      ...(from[member] !== undefined && { from: from[member] }),
      ...(to[member] !== undefined && { to: to[member] }),
    }
  }
  return diff
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

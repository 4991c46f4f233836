/**
 * Records to rows and back. Optional record members are NULL columns and come back
 * absent (never `undefined`), so a record survives a round trip unchanged. A client's
 * secret is sealed on its way to the row and opened on its way back (secret-box.ts).
 */
import type {
  ApiTokenRecord,
  ClientRecord,
  InitialAccessTokenRecord,
  NewClientRecord,
  NewServiceRecord,
  ServiceRecord,
} from '../engine/index.js'
import type {
  ApiTokenRow,
  ClientRow,
  InitialAccessTokenRow,
  ServiceRow,
  ServiceTable,
} from './schema.js'
import type { SecretBox } from './secret-box.js'

export function toServiceRow(
  record: NewServiceRecord,
): Omit<ServiceTable, 'number' | 'client_count'> {
  return {
    api_key: record.apiKey,
    api_secret_hash: record.apiSecretHash,
    settings: JSON.stringify(record.settings),
    policy: JSON.stringify(record.policy),
    created_at: record.createdAt,
    modified_at: record.modifiedAt,
  }
}

export function toServiceRecord(row: ServiceRow): ServiceRecord {
  return {
    apiKey: row.api_key,
    number: row.number,
    apiSecretHash: row.api_secret_hash,
    settings: JSON.parse(row.settings),
    policy: JSON.parse(row.policy),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  }
}

/**
 * JSON text of an object: the constant `{}` for an empty plain object (the usual extras),
 * which is what JSON.stringify gives it, else JSON.stringify.
 */
function objectJson(value: object): string {
  // A null read back from an old row stringifies as `null`, as before.
  const emptyPlain =
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !('toJSON' in value) &&
    Object.keys(value).length === 0
  return emptyPlain ? '{}' : JSON.stringify(value)
}

/**
 * A client's columns, with the version it is stored with (1 when inserted) and its secret
 * sealed by `secrets`.
 */
export function toClientRow(record: NewClientRecord, version: number, secrets: SecretBox) {
  const { serviceApiKey, clientId, clientSecret } = record
  return {
    service_api_key: serviceApiKey,
    client_id: clientId,
    client_secret:
      clientSecret === undefined ? null : secrets.seal(clientSecret, serviceApiKey, clientId),
    client_secret_expires_at: record.clientSecretExpiresAt,
    previous_client_secret:
      record.previousClientSecret === undefined
        ? null
        : secrets.seal(record.previousClientSecret, serviceApiKey, clientId),
    previous_secret_valid_until: record.previousSecretValidUntil ?? null,
    metadata: JSON.stringify(record.metadata),
    extras: objectJson(record.extras),
    rat_hash: record.registrationAccessTokenHash ?? null,
    dynamically_registered: record.dynamicallyRegistered ? 1 : 0,
    developer: record.developer,
    software_id: record.metadata.software_id ?? null,
    initial_access_token_id: record.initialAccessTokenId ?? null,
    expires_at: record.expiresAt ?? null,
    created_at: record.createdAt,
    modified_at: record.modifiedAt,
    version,
  }
}

/**
 * The columns a client update rewrites: all but its identity and creation, with the
 * registration access token's lineage, which only an update sets (a registration leaves it
 * NULL, so its insert writes no more than before).
 */
export function toClientChanges(record: ClientRecord, version: number, secrets: SecretBox) {
  const {
    service_api_key: _serviceApiKey,
    client_id: _clientId,
    created_at: _createdAt,
    ...changes
  } = toClientRow(record, version, secrets)
  const retired = record.registrationAccessTokenRetiredHashes
  return {
    ...changes,
    rat_previous_hash: record.registrationAccessTokenPreviousHash ?? null,
    rat_previous_valid_until: record.registrationAccessTokenPreviousValidUntil ?? null,
    rat_retired: retired === undefined ? null : JSON.stringify(retired),
    rat_revoked_at: record.registrationAccessTokenRevokedAt ?? null,
  }
}

/** The lineage members of a row (token-rotation.ts); none for a client never rotated. */
function lineageOf(row: Partial<ClientRow>): Partial<ClientRecord> | undefined {
  // One test on the common path: a client whose token never rotated has none of these.
  if (row.rat_retired == null && row.rat_previous_hash == null && row.rat_revoked_at == null) {
    return undefined
  }
  const lineage: Partial<ClientRecord> = {}
  if (row.rat_previous_hash != null) {
    lineage.registrationAccessTokenPreviousHash = row.rat_previous_hash
    lineage.registrationAccessTokenPreviousValidUntil = row.rat_previous_valid_until ?? 0
  }
  if (row.rat_retired != null) {
    lineage.registrationAccessTokenRetiredHashes = JSON.parse(row.rat_retired)
  }
  if (row.rat_revoked_at != null) lineage.registrationAccessTokenRevokedAt = row.rat_revoked_at
  return lineage
}

/**
 * The record a row reads back as, its secret opened by `secrets`. A write answers with the
 * row the database returned and the record it wrote as `written`, whose metadata, extras
 * and secret are what was just stored: they are not parsed or opened again.
 */
export function toClientRecord(
  // A row just inserted has no last use, and neither has any seldom column; a row read on
  // a request has the seldom columns only when it holds a value in one (hot-queries.ts).
  row: ClientRow | (Omit<ClientRow, 'last_used_at' | OptionalColumn> & Partial<ClientRow>),
  secrets: SecretBox,
  written?: Pick<ClientRecord, 'metadata' | 'extras' | 'clientSecret' | 'previousClientSecret'>,
): ClientRecord {
  const lastUsedAt = row.last_used_at ?? undefined
  const deletedAt = row.deleted_at ?? undefined
  const lineage = lineageOf(row)
  const stored = row.client_secret
  const record: ClientRecord = {
    serviceApiKey: row.service_api_key,
    clientId: row.client_id,
    number: row.number,
    ...(stored === null
      ? {}
      : {
          clientSecret: written
            ? written.clientSecret!
            : secrets.open(stored, row.service_api_key, row.client_id),
        }),
    clientSecretExpiresAt: row.client_secret_expires_at,
    ...(row.previous_client_secret == null
      ? {}
      : {
          previousClientSecret: written
            ? written.previousClientSecret!
            : secrets.open(row.previous_client_secret, row.service_api_key, row.client_id),
        }),
    ...(row.previous_secret_valid_until == null
      ? {}
      : { previousSecretValidUntil: row.previous_secret_valid_until }),
    metadata: written ? written.metadata : JSON.parse(row.metadata),
    extras: written ? written.extras : JSON.parse(row.extras),
    ...(row.rat_hash === null ? {} : { registrationAccessTokenHash: row.rat_hash }),
    dynamicallyRegistered: row.dynamically_registered === 1,
    developer: row.developer,
    ...(row.initial_access_token_id === null
      ? {}
      : { initialAccessTokenId: row.initial_access_token_id }),
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    ...(lastUsedAt === undefined ? {} : { lastUsedAt }),
    ...(deletedAt === undefined ? {} : { deletedAt }),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    version: row.version,
  }
  return lineage === undefined ? record : Object.assign(record, lineage)
}

/**
 * The columns a client seldom has a value in: its token's lineage once rotated, its
 * deletion, the secret a rotation replaced (each NULL otherwise).
 */
export const SELDOM_CLIENT_COLUMNS = [
  'rat_previous_hash',
  'rat_previous_valid_until',
  'rat_retired',
  'rat_revoked_at',
  'deleted_at',
  'previous_client_secret',
  'previous_secret_valid_until',
] as const satisfies readonly (keyof ClientRow)[]

/** Columns a row may come without: the seldom ones, and software_id (toClientRecord reads none). */
type OptionalColumn = (typeof SELDOM_CLIENT_COLUMNS)[number] | 'software_id'

/** The columns a record member can be read from: those holding its type, or NULL. */
type ColumnFor<Row, Value> = {
  [Column in keyof Row]: Exclude<Row[Column], null> extends Value ? Column : never
}[keyof Row]

/**
 * Each member of a token record beside its column; an optional member is a NULL column.
 * Token rows map through these tables; client rows, read on every request, by hand above.
 */
type Columns<R, Row> = { readonly [Member in keyof Required<R>]: ColumnFor<Row, R[Member]> }

const INITIAL_ACCESS_TOKEN_COLUMNS: Columns<InitialAccessTokenRecord, InitialAccessTokenRow> = {
  id: 'id',
  serviceApiKey: 'service_api_key',
  secretHash: 'secret_hash',
  expiresAt: 'expires_at',
  maxUses: 'max_uses',
  usesLeft: 'uses_left',
  description: 'description',
  createdAt: 'created_at',
}

const API_TOKEN_COLUMNS: Columns<ApiTokenRecord, ApiTokenRow> = {
  id: 'id',
  serviceApiKey: 'service_api_key',
  secretHash: 'secret_hash',
  description: 'description',
  createdAt: 'created_at',
  expiresAt: 'expires_at',
  lastUsedAt: 'last_used_at',
}

/** The row of a record: an absent member is NULL. */
function toRow<R extends object, Row>(columns: Columns<R, Row>, record: R): Row {
  const row: { [column: string]: unknown } = {}
  for (const member in columns) row[columns[member] as string] = record[member] ?? null
  return row as Row
}

/** The record of a row: a NULL column is an absent member. */
function toRecord<R extends object, Row>(columns: Columns<R, Row>, row: Row): R {
  const record: { [member: string]: unknown } = {}
  for (const member in columns) {
    const value = row[columns[member]]
    if (value !== null) record[member] = value
  }
  return record as R
}

export function toInitialAccessTokenRow(record: InitialAccessTokenRecord): InitialAccessTokenRow {
  return toRow(INITIAL_ACCESS_TOKEN_COLUMNS, record)
}

export function toInitialAccessTokenRecord(row: InitialAccessTokenRow): InitialAccessTokenRecord {
  return toRecord(INITIAL_ACCESS_TOKEN_COLUMNS, row)
}

export function toApiTokenRow(record: ApiTokenRecord): ApiTokenRow {
  return toRow(API_TOKEN_COLUMNS, record)
}

export function toApiTokenRecord(row: ApiTokenRow): ApiTokenRecord {
  return toRecord(API_TOKEN_COLUMNS, row)
}

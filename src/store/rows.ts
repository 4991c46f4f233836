/**
 * Records to rows and back. Optional record members are NULL columns and come back
 * absent (never `undefined`), so a record survives a round trip unchanged.
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

export function toServiceRow(record: NewServiceRecord): Omit<ServiceTable, 'number'> {
  return {
    api_key: record.apiKey,
    api_secret: record.apiSecret,
    settings: JSON.stringify(record.settings),
    created_at: record.createdAt,
    modified_at: record.modifiedAt,
  }
}

export function toServiceRecord(row: ServiceRow): ServiceRecord {
  return {
    apiKey: row.api_key,
    number: row.number,
    apiSecret: row.api_secret,
    settings: JSON.parse(row.settings),
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

/** A client's columns, with the version it is stored with (1 when inserted). */
export function toClientRow(record: NewClientRecord, version: number) {
  return {
    service_api_key: record.serviceApiKey,
    client_id: record.clientId,
    client_secret: record.clientSecret ?? null,
    client_secret_expires_at: record.clientSecretExpiresAt,
    metadata: JSON.stringify(record.metadata),
    extras: objectJson(record.extras),
    rat_hash: record.registrationAccessTokenHash ?? null,
    dynamically_registered: record.dynamicallyRegistered ? 1 : 0,
    developer: record.developer,
    software_id: record.metadata.software_id ?? null,
    created_at: record.createdAt,
    modified_at: record.modifiedAt,
    version,
  }
}

/** The columns a client update rewrites: all but its identity and creation. */
export function toClientChanges(record: NewClientRecord, version: number) {
  const {
    service_api_key: _serviceApiKey,
    client_id: _clientId,
    created_at: _createdAt,
    ...changes
  } = toClientRow(record, version)
  return changes
}

/**
 * The record a row reads back as. A write answers with the row the database returned and
 * the record it wrote as `written`, whose metadata and extras are the JSON just stored:
 * they are not parsed again.
 */
export function toClientRecord(
  row: ClientRow,
  written?: Pick<ClientRecord, 'metadata' | 'extras'>,
): ClientRecord {
  return {
    serviceApiKey: row.service_api_key,
    clientId: row.client_id,
    number: row.number,
    ...(row.client_secret === null ? {} : { clientSecret: row.client_secret }),
    clientSecretExpiresAt: row.client_secret_expires_at,
    metadata: written ? written.metadata : JSON.parse(row.metadata),
    extras: written ? written.extras : JSON.parse(row.extras),
    ...(row.rat_hash === null ? {} : { registrationAccessTokenHash: row.rat_hash }),
    dynamicallyRegistered: row.dynamically_registered === 1,
    developer: row.developer,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    version: row.version,
  }
}

export function toInitialAccessTokenRow(record: InitialAccessTokenRecord): InitialAccessTokenRow {
  return {
    id: record.id,
    service_api_key: record.serviceApiKey,
    secret_hash: record.secretHash,
    expires_at: record.expiresAt,
    max_uses: record.maxUses,
    uses_left: record.usesLeft,
    description: record.description ?? null,
    created_at: record.createdAt,
  }
}

export function toInitialAccessTokenRecord(row: InitialAccessTokenRow): InitialAccessTokenRecord {
  return {
    id: row.id,
    serviceApiKey: row.service_api_key,
    secretHash: row.secret_hash,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    usesLeft: row.uses_left,
    ...(row.description === null ? {} : { description: row.description }),
    createdAt: row.created_at,
  }
}

export function toApiTokenRow(record: ApiTokenRecord): ApiTokenRow {
  return {
    id: record.id,
    service_api_key: record.serviceApiKey,
    secret_hash: record.secretHash,
    description: record.description ?? null,
    created_at: record.createdAt,
  }
}

export function toApiTokenRecord(row: ApiTokenRow): ApiTokenRecord {
  return {
    id: row.id,
    serviceApiKey: row.service_api_key,
    secretHash: row.secret_hash,
    ...(row.description === null ? {} : { description: row.description }),
    createdAt: row.created_at,
  }
}

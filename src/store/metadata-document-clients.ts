/**
 * The metadata_document_clients rows of the SQL stores (engine/metadata-document-store.ts):
 * a document client's number, approved version and last use. The row is made the first time
 * a URL is recorded, with the service's next number; two nodes numbering two URLs at once may
 * draw the same number, which the unique index refuses to the second, so it draws again.
 */
import { sql, type Kysely } from 'kysely'
import type { ListedMetadataDocumentClient, MetadataDocumentClient } from '../engine/index.js'
import type { Database } from './schema.js'

/** Draws before giving up on numbering a row: each loss is another node's fresh row. */
const NUMBER_ATTEMPTS = 8

type Row = {
  approved_version: number | string | null
  last_used_at: number | string | null
  client_number: number | string | null
}

function toDocumentClient(row: Row): MetadataDocumentClient {
  return {
    ...(row.client_number !== null && { clientNumber: Number(row.client_number) }),
    ...(row.approved_version !== null && { approvedVersion: Number(row.approved_version) }),
    ...(row.last_used_at !== null && { lastUsedAt: Number(row.last_used_at) }),
  }
}

export async function readDocumentClient(
  db: Kysely<Database>,
  serviceApiKey: number,
  url: string,
): Promise<MetadataDocumentClient | undefined> {
  const row = await db
    .selectFrom('metadata_document_clients')
    .select(['approved_version', 'last_used_at', 'client_number'])
    .where('service_api_key', '=', serviceApiKey)
    .where('url', '=', url)
    .executeTakeFirst()
  return row && toDocumentClient(row)
}

export async function documentUrl(
  db: Kysely<Database>,
  serviceApiKey: number,
  clientNumber: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('metadata_document_clients')
    .select('url')
    .where('service_api_key', '=', serviceApiKey)
    .where('client_number', '=', clientNumber)
    .executeTakeFirst()
  return row?.url
}

export async function approveDocument(
  db: Kysely<Database>,
  serviceApiKey: number,
  url: string,
  version: number,
): Promise<void> {
  await numberedRow(db, serviceApiKey, url)
  await db
    .updateTable('metadata_document_clients')
    .set({ approved_version: version })
    .where('service_api_key', '=', serviceApiKey)
    .where('url', '=', url)
    .execute()
}

export async function recordDocumentUse(
  db: Kysely<Database>,
  serviceApiKey: number,
  url: string,
  at: number,
): Promise<void> {
  await numberedRow(db, serviceApiKey, url)
  // Never backwards: two nodes noting uses out of order keep the later one.
  await db
    .updateTable('metadata_document_clients')
    .set({ last_used_at: at })
    .where('service_api_key', '=', serviceApiKey)
    .where('url', '=', url)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
    .execute()
}

export async function listDocumentClients(
  db: Kysely<Database>,
  serviceApiKey: number,
  range: { start: number; end: number },
): Promise<ListedMetadataDocumentClient[]> {
  const rows = await db
    .selectFrom('metadata_document_clients as c')
    .select(['c.url', 'c.approved_version', 'c.last_used_at', 'c.client_number'])
    .select((eb) =>
      eb
        .selectFrom('client_metadata_documents as d')
        .whereRef('d.service_api_key', '=', 'c.service_api_key')
        .whereRef('d.url', '=', 'c.url')
        .select((inner) => inner.fn.min('d.fetched_at').as('first'))
        .as('first_fetched_at'),
    )
    .where('c.service_api_key', '=', serviceApiKey)
    .orderBy('c.client_number', 'asc')
    .orderBy('c.url', 'asc')
    .limit(Math.max(0, range.end - range.start))
    .offset(range.start)
    .execute()
  return rows.map((row) => ({
    url: row.url,
    ...toDocumentClient(row),
    ...(row.first_fetched_at !== null && { firstFetchedAt: Number(row.first_fetched_at) }),
  }))
}

/** Makes sure the URL's row exists and has a number (a row written before numbers gets one). */
async function numberedRow(db: Kysely<Database>, serviceApiKey: number, url: string) {
  const next = sql<number>`(select coalesce(max(n.client_number), 0) + 1
    from metadata_document_clients n where n.service_api_key = ${serviceApiKey})`
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    const current = await readDocumentClient(db, serviceApiKey, url)
    if (current?.clientNumber !== undefined) return
    try {
      if (current) {
        await db
          .updateTable('metadata_document_clients')
          .set({ client_number: next })
          .where('service_api_key', '=', serviceApiKey)
          .where('url', '=', url)
          .where('client_number', 'is', null)
          .execute()
      } else {
        // Either unique key may be taken by another node's row: then read again.
        await db
          .insertInto('metadata_document_clients')
          .values({
            service_api_key: serviceApiKey,
            url,
            approved_version: null,
            last_used_at: null,
            client_number: next,
          })
          .onConflict((conflict) => conflict.doNothing())
          .execute()
      }
    } catch (error) {
      // The update's number was drawn by another node too (unique index): draw again.
      if (attempt === NUMBER_ATTEMPTS - 1) throw error
    }
  }
  if ((await readDocumentClient(db, serviceApiKey, url))?.clientNumber === undefined) {
    throw new Error(`could not number the document client ${url}`)
  }
}

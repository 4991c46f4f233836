/**
 * The shared real-client corpus (../shared/corpus/real-clients.json): what real clients send
 * when they register, with what a server must do with each body (corpus/README.md).
 */
import { readFileSync } from 'node:fs'

/** What a server with default settings must do with a body (corpus README "Using it in tests"). */
export interface CorpusExpect {
  status?: number
  redirect_uris?: 'exact'
  client_secret?: 'absent' | 'present' | 'consistent'
  token_endpoint_auth_method?: string | null
  application_type?: string | null
  grant_types_kept?: string[]
  response_types_kept?: string[]
  grant_response_consistent?: boolean
  kept?: Record<string, unknown>
  kept_from_body?: string[]
  scope?: 'absent-or-empty'
  ignored?: string[]
}

export interface CorpusEntry {
  id: string
  kind: string
  body: Record<string, unknown>
  expect: CorpusExpect
}

const corpus = JSON.parse(
  readFileSync(new URL('../../../shared/corpus/real-clients.json', import.meta.url), 'utf8'),
) as CorpusEntry[]

/** The registration request bodies of the corpus. */
export const dcrRequests = corpus.filter((entry) => entry.kind === 'dcr-request')

/** The Client ID Metadata Documents of the corpus: the metadata an agent publishes at its client_id URL. */
export const cimdDocuments = corpus.filter((entry) => entry.kind === 'cimd-document')

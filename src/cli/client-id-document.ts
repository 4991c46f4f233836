/**
 * `registrar client-id-document`: makes an agent's Client ID Metadata Document, checked as
 * registrar/client checks it, for the agent to publish at its https client_id URL.
 * No server is involved.
 */
import type { Command } from 'commander'
import type { ClientMetadata } from '../client/index.js'
import { readJsonObject } from './input.js'
import { printJson, printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'

interface ClientIdDocumentFlags {
  url: string
  metadata?: string
  name?: string
  redirectUri?: string[]
  jwksUri?: string
  out?: string
}

/** @see draft-ietf-oauth-client-id-metadata-document-02 §3, §4 */
export function registerClientIdDocumentCommand(program: Command): void {
  exitOnUsageError(program.command('client-id-document'))
    .description(
      'make the Client ID Metadata Document an agent serves at its https client_id URL (no registration needed)',
    )
    .requiredOption('--url <url>', 'the client_id: the https URL the document is served at')
    .option('--metadata <file>', 'client metadata as a JSON file, - reads stdin')
    .option('--name <name>', 'client_name')
    .option('--redirect-uri <uri...>', 'redirect_uris (repeatable)')
    .option(
      '--jwks-uri <url>',
      'jwks_uri of the public keys; sets token_endpoint_auth_method private_key_jwt',
    )
    .option(
      '--out <file>',
      'write the document to this file (atomically, mode 0644) instead of stdout',
    )
    .addHelpText(
      'after',
      `
Flags add to or replace members of --metadata. Refused (exit 2), naming the rule: a URL
that is not https with a path, or has a fragment or userinfo; a shared-secret auth method
or client_secret; private keys in jwks; no client_name or redirect_uris.

Example:
  registrar client-id-document --url https://agent.example.com/client.json \\
    --name "My agent" --redirect-uri http://127.0.0.1:8765/callback > client.json`,
    )
    .action(run(clientIdDocument))
}

async function clientIdDocument(flags: ClientIdDocumentFlags): Promise<void> {
  const metadata: ClientMetadata =
    flags.metadata === undefined ? {} : await readJsonObject(flags.metadata, '--metadata')
  if (flags.name !== undefined) metadata.client_name = flags.name
  if (flags.redirectUri !== undefined) metadata.redirect_uris = flags.redirectUri
  if (flags.jwksUri !== undefined) {
    metadata.jwks_uri = flags.jwksUri
    metadata.token_endpoint_auth_method = 'private_key_jwt'
  }
  const { createClientIdMetadataDocument, DcrError, writeClientIdMetadataDocument } =
    await import('../client/index.js')
  let document
  try {
    document = createClientIdMetadataDocument(flags.url, metadata)
  } catch (error) {
    if (error instanceof DcrError) throw new UsageError(error.message)
    throw error
  }
  if (flags.out === undefined) return printJson(document)
  await writeClientIdMetadataDocument(flags.out, document)
  printLine(`wrote the document for ${document.client_id} to ${flags.out}`)
}

/**
 * `registrar client document versions|approve`: the stored versions of a Client ID Metadata
 * Document and the approval of a held change (the service's
 * clientIdMetadataDocumentChangeApproval).
 */
import type { Command } from 'commander'
import type { MetadataDocumentVersions } from '../wire/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printJson, printTable } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { numericId } from './numbers.js'

type DocumentFlags = ApiFlags & { documentUrl: string }

/** Adds `document versions|approve` to the `client` command. */
export function addDocumentCommands(client: Command): void {
  addCommandGroup(client, 'document', {
    description: 'the stored versions of a Client ID Metadata Document, and approving one',
    examples:
      '\nExamples:\n  registrar client document versions 2418563210347 --document-url https://agent.example/client.json\n  registrar client document approve 2418563210347 --document-url https://agent.example/client.json --version 2',
    subcommands: [addVersions, addApprove],
  })
}

function subcommand(document: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(document.command(name)))
    .argument('<serviceId>', 'the service apiKey', numericId)
    .requiredOption('--document-url <url>', 'the document URL (its client_id; --url is the server)')
}

function show(flags: ApiFlags, answer: MetadataDocumentVersions): void {
  if (flags.json) return printJson(answer)
  printTable(
    ['VERSION', 'FETCHED', 'APPROVED', 'REDIRECT_URIS'],
    answer.versions.map((v) => [
      v.version,
      formatMillis(v.fetchedAt),
      v.approved ? 'yes' : '',
      (v.document as { redirect_uris?: unknown }).redirect_uris ?? [],
    ]),
  )
}

function addVersions(document: Command): void {
  subcommand(document, 'versions')
    .description('list the stored versions of a document, oldest first, the approved one marked')
    .addHelpText(
      'after',
      '\nExample:\n  registrar client document versions 2418563210347 --document-url https://agent.example/client.json',
    )
    .action(
      run(async (serviceId: string, flags: DocumentFlags) => {
        const registrar = await connect(flags)
        show(flags, await registrar.clients.metadataDocumentVersions(serviceId, flags.documentUrl))
      }),
    )
}

function addApprove(document: Command): void {
  subcommand(document, 'approve')
    .requiredOption('--version <n>', 'the stored version to use from now on')
    .description('approve a stored version: the service uses it (a held change ends)')
    .addHelpText(
      'after',
      '\nExample:\n  registrar client document approve 2418563210347 --document-url https://agent.example/client.json --version 2',
    )
    .action(
      run(async (serviceId: string, flags: DocumentFlags & { version: string }) => {
        const version = integerFlag('--version', flags.version)!
        const registrar = await connect(flags)
        show(
          flags,
          await registrar.clients.approveMetadataDocument(serviceId, flags.documentUrl, version),
        )
      }),
    )
}

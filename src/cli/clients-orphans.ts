/**
 * `registrar clients orphans --service S`: a service's clients that look abandoned (never
 * used; registered many times over by one piece of software), as a table or `--json`.
 * What to reap before setting the service's clientIdleLifetime.
 */
import type { Command } from 'commander'
import type { ClientOrphanReport, DuplicateGroup, OrphanClient } from '../sdk/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printLine, printJson, printTable } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { numericId } from './numbers.js'

interface OrphanFlags extends ApiFlags {
  service: string
  olderThan?: string
  limit?: string
}

export function registerClientsCommands(program: Command): void {
  addCommandGroup(program, 'clients', {
    description: 'reports over all the clients of a service',
    examples: '\nExample:\n  registrar clients orphans --service 2418563210347',
    subcommands: [addOrphans],
  })
}

function addOrphans(clients: Command): void {
  addApiOptions(exitOnUsageError(clients.command('orphans')))
    .description(
      'list clients never used and groups of clients sharing a software_id, client_name or set of redirect URIs',
    )
    .requiredOption('--service <id>', 'the service apiKey', numericId)
    .option('--older-than <seconds>', 'list never-used clients this old (default: 86400)')
    .option('--limit <n>', 'clients, and groups of each kind, listed at most (default: 100)')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar clients orphans --service 2418563210347\n  registrar clients orphans --service 2418563210347 --older-than 604800 --json',
    )
    .action(
      run(async (flags: OrphanFlags) => {
        const registrar = await connect(flags)
        const report = await registrar.clients.orphans(flags.service, {
          olderThan: integerFlag('--older-than', flags.olderThan),
          limit: integerFlag('--limit', flags.limit),
        })
        if (flags.json) return printJson(report)
        printReport(report)
      }),
    )
}

const row = (client: OrphanClient) => [
  client.clientId,
  client.clientName,
  client.softwareId,
  formatMillis(client.createdAt),
  formatMillis(client.lastUsedAt) ?? 'never',
]

function printReport(report: ClientOrphanReport): void {
  const { neverUsed, duplicates } = report
  printLine(`Never used (${neverUsed.count}):`)
  printTable(
    ['CLIENT_ID', 'NAME', 'SOFTWARE_ID', 'CREATED', 'LAST_USED'],
    neverUsed.clients.map(row),
  )
  printGroups('Same software_id', duplicates.softwareId)
  printGroups('Same client_name', duplicates.clientName)
  printGroups('Same redirect_uris', duplicates.redirectUris)
  if (!report.complete) printLine(`\n(only the first ${report.scanned} clients were examined)`)
}

function printGroups(title: string, groups: DuplicateGroup[]): void {
  printLine(`\n${title} (${groups.length} groups):`)
  printTable(
    ['KEY', 'COUNT', 'CLIENT_IDS', 'OLDEST', 'LAST_USED'],
    groups.map((group) => [
      group.key,
      group.count,
      group.clients.map((client) => client.clientId).join(' ') +
        (group.count > group.clients.length ? ' ...' : ''),
      formatMillis(group.clients[0]?.createdAt),
      formatMillis(lastUse(group.clients)) ?? 'never',
    ]),
  )
}

/** The latest use among the clients, if any was used. */
function lastUse(clients: OrphanClient[]): number | undefined {
  const uses = clients.flatMap((client) =>
    client.lastUsedAt === undefined ? [] : [client.lastUsedAt],
  )
  return uses.length > 0 ? Math.max(...uses) : undefined
}

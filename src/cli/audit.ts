/**
 * `registrar audit list|verify|erase` and `registrar client versions|rollback`: the audit
 * history through the API (README, Operations).
 */
import type { Command } from 'commander'
import type { AuditFilter } from '../sdk/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printJson, printLine, printTable } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { numericId } from './numbers.js'

export function registerAuditCommands(program: Command): void {
  addCommandGroup(program, 'audit', {
    description: "read, verify and erase the audit history of a service's clients",
    examples:
      '\nExamples:\n  registrar audit list 2418563210347 --kind client.deleted\n  registrar audit verify',
    subcommands: [addList, addVerify, addErase],
  })
}

function addList(audit: Command): void {
  addApiOptions(exitOnUsageError(audit.command('list')))
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description("list a service's audit events, newest first")
    .option('--client <clientId>', "only this client's events", numericId)
    .option('--actor <actor>', 'only this actor\'s events, e.g. "admin"')
    .option(
      '--kind <kinds>',
      'only these kinds, comma-separated, e.g. client.created,client.deleted',
    )
    .option('--since <time>', 'only events at or after this time (ISO 8601)')
    .option('--until <time>', 'only events before this time (ISO 8601)')
    .option('--limit <n>', 'events to show at most (default 100)')
    .addHelpText(
      'after',
      '\nExample:\n  registrar audit list 2418563210347 --client 5910375611045 --json',
    )
    .action(run(listEvents))
}

async function listEvents(
  serviceId: string,
  flags: ApiFlags & {
    client?: string
    actor?: string
    kind?: string
    since?: string
    until?: string
    limit?: string
  },
): Promise<void> {
  const registrar = await connect(flags)
  const filter: AuditFilter = {
    clientId: flags.client,
    actor: flags.actor,
    kinds: flags.kind?.split(','),
    from: timeFlag('--since', flags.since),
    to: timeFlag('--until', flags.until),
  }
  const wanted = integerFlag('--limit', flags.limit) ?? 100
  const events = []
  let before: number | undefined
  while (events.length < wanted) {
    const page = await registrar.audit.list(serviceId, {
      ...filter,
      before,
      limit: Math.min(wanted - events.length, 1000),
    })
    events.push(...page.events)
    if (page.next === undefined) break
    before = page.next
  }
  if (flags.json) return printJson({ events })
  printTable(
    ['NUMBER', 'TIME', 'KIND', 'CLIENT_ID', 'ACTOR', 'SOURCE', 'REQUEST_ID'],
    events.map((event) => [
      event.number,
      formatMillis(event.at),
      event.kind,
      event.clientId,
      event.actor,
      event.detail.source,
      event.requestId,
    ]),
  )
}

function timeFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const time = Date.parse(value)
  if (Number.isNaN(time)) throw new UsageError(`${flag} must be an ISO 8601 time, not ${value}`)
  return time
}

function addVerify(audit: Command): void {
  addApiOptions(exitOnUsageError(audit.command('verify')))
    .description('verify the hash chain of the whole audit history (the admin token)')
    .option(
      '--head <seq:hash>',
      'also check that the chain still holds a head logged earlier (the "audit chain head" log line)',
    )
    .addHelpText(
      'after',
      '\nExits 1 when the chain is broken: an edited, deleted or reordered event.\n\n' +
        'Example:\n  registrar audit verify --head 1520:0q3HcXy4K3Yv0ZlPp1Z1mVYwQdQ7qfXw6a3Kk9tD2hE',
    )
    .action(
      run(async (flags: ApiFlags & { head?: string }) => {
        const registrar = await connect(flags)
        const verification = await registrar.audit.verify(anchorFlag(flags.head))
        if (flags.json) printJson(verification)
        else {
          const { checked, head, unsealed, problems } = verification
          printLine(`checked ${checked} events; the head is seq ${head.seq}, hash ${head.hash}`)
          if (unsealed > 0) printLine(`${unsealed} events are not sealed yet`)
          for (const { problem } of problems) printLine(`problem: ${problem}`)
          printLine(verification.ok ? 'the audit chain is whole' : 'the audit chain is broken')
        }
        if (!verification.ok) process.exitCode = 1
      }),
    )
}

function anchorFlag(value: string | undefined): { seq: number; hash: string } | undefined {
  if (value === undefined) return undefined
  const match = /^([0-9]{1,15}):([A-Za-z0-9_-]{43})$/.exec(value)
  if (!match) throw new UsageError(`--head must be SEQ:HASH as the log line shows it, not ${value}`)
  return { seq: Number(match[1]), hash: match[2]! }
}

function addErase(audit: Command): void {
  addApiOptions(exitOnUsageError(audit.command('erase')))
    .argument('<serviceId>', 'the service apiKey', numericId)
    .argument('<clientId>', 'the numeric client id', numericId)
    .description(
      "erase a client's personal data (source addresses, metadata) from its audit events; the chain stays verifiable",
    )
    .addHelpText('after', '\nExample:\n  registrar audit erase 2418563210347 5910375611045')
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const { erased } = await registrar.audit.erase(serviceId, clientId)
        if (flags.json) return printJson({ erased })
        printLine(`erased the personal data of ${erased} events of client ${clientId}`)
      }),
    )
}

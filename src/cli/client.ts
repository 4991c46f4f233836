/**
 * `registrar client list|get|delete`: the clients of a service, however they were
 * registered (API or dynamic registration).
 */
import type { Command } from 'commander'
import type { AuthleteClient } from '../sdk/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { formatMillis, printFields, printJson, printLine, printTable } from './output.js'
import { exitOnUsageError, run } from './run.js'

export function registerClientCommands(program: Command): void {
  const client = exitOnUsageError(program.command('client'))
    .description('inspect and remove the clients of a service')
    .addHelpText('after', '\nExample:\n  registrar client list 2418563210347')

  addApiOptions(exitOnUsageError(client.command('list')))
    .argument('<serviceId>', 'the service apiKey')
    .description("list a service's clients")
    .option('--developer <name>', "only this developer's clients")
    .option('--start <n>', 'first index, inclusive')
    .option('--end <n>', 'last index, exclusive (default: all)')
    .addHelpText(
      'after',
      '\nExample:\n  registrar client list 2418563210347 --json | jq ".clients[].clientId"',
    )
    .action(
      run(
        async (
          serviceId: string,
          flags: ApiFlags & { developer?: string; start?: string; end?: string },
        ) => {
          const registrar = await connect(flags)
          const start = integerFlag('--start', flags.start) ?? 0
          const end = integerFlag('--end', flags.end)
          const clients: AuthleteClient[] = []
          let totalCount = 0
          for (let from = start; end === undefined || from < end; from += 100) {
            const to = end === undefined ? from + 100 : Math.min(from + 100, end)
            const page = await registrar.clients.list(serviceId, {
              developer: flags.developer,
              start: from,
              end: to,
            })
            totalCount = page.totalCount
            clients.push(...page.clients)
            if (page.clients.length < to - from || from + page.clients.length >= totalCount) break
          }
          if (flags.json)
            return printJson({ start, end: start + clients.length, totalCount, clients })
          printTable(
            ['CLIENT_ID', 'NAME', 'TYPE', 'AUTH_METHOD', 'DYNAMIC', 'CREATED'],
            clients.map((c) => [
              c.clientId,
              c.clientName,
              c.clientType,
              c.tokenAuthMethod,
              c.dynamicallyRegistered ? 'yes' : 'no',
              formatMillis(c.createdAt),
            ]),
          )
        },
      ),
    )

  addApiOptions(exitOnUsageError(client.command('get')))
    .argument('<serviceId>', 'the service apiKey')
    .argument('<clientId>', 'the numeric client id')
    .description('show a client')
    .addHelpText('after', '\nExample:\n  registrar client get 2418563210347 5910375611045 --json')
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const found = await registrar.clients.get(serviceId, clientId)
        if (flags.json) return printJson(found)
        printFields(found)
      }),
    )

  addApiOptions(exitOnUsageError(client.command('delete')))
    .argument('<serviceId>', 'the service apiKey')
    .argument('<clientId>', 'the numeric client id')
    .description('delete a client; its secret and registration access token stop working')
    .addHelpText('after', '\nExample:\n  registrar client delete 2418563210347 5910375611045')
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        await registrar.clients.delete(serviceId, clientId)
        if (flags.json) return printJson({ deleted: clientId })
        printLine(`deleted client ${clientId}`)
      }),
    )
}

/**
 * `registrar client list|get|delete|restore|versions|rollback|authenticate|secret|reissue-token`:
 * the clients of a service, however they were registered (API or dynamic registration), their
 * metadata's history, a check of their credentials as an authorization server makes it, their
 * secret's rotation, and a new registration access token for a client whose tokens were revoked.
 */
import type { Command } from 'commander'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printFields, printJson, printLine, printTable } from './output.js'
import { collectPages } from './pages.js'
import { addSecretCommands } from './client-secret.js'
import { addDocumentCommands } from './client-document.js'
import { readText } from './input.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { clientIdOrUrl, numericId } from './numbers.js'

export function registerClientCommands(program: Command): void {
  addCommandGroup(program, 'client', {
    description: 'inspect, rotate the secrets of, and remove the clients of a service',
    examples: '\nExample:\n  registrar client list 2418563210347',
    subcommands: [
      addList,
      addGet,
      addDelete,
      addRestore,
      addVersions,
      addRollback,
      addAuthenticate,
      addSecretCommands,
      addDocumentCommands,
      addReissueToken,
    ],
  })
}

/** A subcommand of `client` with the API flags and the service id argument. */
function subcommand(client: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(client.command(name))).argument(
    '<serviceId>',
    'the service apiKey',
    numericId,
  )
}

function addList(client: Command): void {
  subcommand(client, 'list')
    .description("list a service's clients")
    .option('--developer <name>', "only this developer's clients")
    .option('--start <n>', 'first index, inclusive')
    .option('--end <n>', 'last index, exclusive (default: all)')
    .addHelpText(
      'after',
      '\nExample:\n  registrar client list 2418563210347 --json | jq ".clients[].clientId"',
    )
    .action(run(listClients))
}

async function listClients(
  serviceId: string,
  flags: ApiFlags & { developer?: string; start?: string; end?: string },
): Promise<void> {
  const registrar = await connect(flags)
  const { items: clients, ...window } = await collectPages(
    async (start, end) => {
      const page = await registrar.clients.list(serviceId, {
        developer: flags.developer,
        start,
        end,
      })
      return { totalCount: page.totalCount, items: page.clients }
    },
    integerFlag('--start', flags.start),
    integerFlag('--end', flags.end),
  )
  if (flags.json) return printJson({ ...window, clients })
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
}

function addGet(client: Command): void {
  subcommand(client, 'get')
    .argument(
      '<clientId>',
      'the numeric client id, or an https client_id (Client ID Metadata Document)',
      clientIdOrUrl,
    )
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
}

function addDelete(client: Command): void {
  subcommand(client, 'delete')
    .argument('<clientId>', 'the numeric client id', numericId)
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

function addRestore(client: Command): void {
  subcommand(client, 'restore')
    .argument('<clientId>', 'the numeric client id', numericId)
    .description(
      "bring back a client deleted or reaped within the service's clientRestoreWindow, with its secret and registration access token",
    )
    .addHelpText('after', '\nExample:\n  registrar client restore 2418563210347 5910375611045')
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const restored = await registrar.clients.restore(serviceId, clientId)
        if (flags.json) return printJson(restored)
        printLine(`restored client ${clientId}`)
      }),
    )
}

function addVersions(client: Command): void {
  subcommand(client, 'versions')
    .argument('<clientId>', 'the numeric client id', numericId)
    .description("list a client's metadata versions, newest first (secrets masked)")
    .addHelpText('after', '\nExample:\n  registrar client versions 2418563210347 5910375611045')
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const { versions } = await registrar.audit.versions(serviceId, clientId)
        if (flags.json) return printJson({ versions })
        printTable(
          ['VERSION', 'TIME', 'KIND', 'ACTOR', 'REDIRECT_URIS'],
          versions.map((version) => [
            version.version,
            formatMillis(version.at),
            version.kind,
            version.actor,
            version.metadata
              ? ((version.metadata as { redirect_uris?: string[] }).redirect_uris ?? [])
              : '(erased)',
          ]),
        )
      }),
    )
}

function addRollback(client: Command): void {
  subcommand(client, 'rollback')
    .argument('<clientId>', 'the numeric client id', numericId)
    .requiredOption('--version <n>', 'the version to set the metadata back to')
    .description(
      "set a client's metadata back to an earlier version, as a new version (its secret and token stay)",
    )
    .addHelpText(
      'after',
      '\nExample:\n  registrar client rollback 2418563210347 5910375611045 --version 3',
    )
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags & { version: string }) => {
        const registrar = await connect(flags)
        const version = integerFlag('--version', flags.version)!
        const rolledBack = await registrar.audit.rollback(serviceId, clientId, version)
        if (flags.json) return printJson(rolledBack)
        printLine(`client ${clientId} has the metadata of version ${version} again`)
      }),
    )
}

function addAuthenticate(client: Command): void {
  subcommand(client, 'authenticate')
    .argument('[clientId]', 'the numeric client id (an assertion names its own)')
    .option('--secret <file>', 'check the client secret in FILE, or - to read stdin')
    .option('--assertion <file>', 'check the JWT client assertion in FILE (RFC 7523), or -')
    .description(
      "check a client's secret or client assertion as an authorization server would, without reading the secret back",
    )
    .addHelpText(
      'after',
      '\nExample:\n  printf %s "$SECRET" | registrar client authenticate 2418563210347 5910375611045 --secret -',
    )
    .action(
      run(
        async (
          serviceId: string,
          clientId: string | undefined,
          flags: ApiFlags & { secret?: string; assertion?: string },
        ) => {
          if ((flags.secret === undefined) === (flags.assertion === undefined)) {
            throw new UsageError('Pass --secret or --assertion (one of them).')
          }
          // From a file or stdin, never the command line, where other users can read it.
          const credentials =
            flags.secret !== undefined
              ? { client_secret: await readText(flags.secret, '--secret') }
              : {
                  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
                  client_assertion: await readText(flags.assertion!, '--assertion'),
                }
          const registrar = await connect(flags)
          const found = await registrar.clients.authenticate(serviceId, {
            ...(clientId !== undefined && { client_id: clientId }),
            ...credentials,
          })
          if (flags.json) return printJson(found)
          printLine(`the credentials of client ${found.clientId} match`)
        },
      ),
    )
}

function addReissueToken(client: Command): void {
  subcommand(client, 'reissue-token')
    .argument('<clientId>', 'the numeric client id', numericId)
    .description(
      'issue a dynamically registered client a new registration access token (RFC 7592), shown once; every earlier token stops working. The way back after reuse of a rotated token revoked its tokens',
    )
    .addHelpText(
      'after',
      '\nExample:\n  registrar client reissue-token 2418563210347 5910375611045 --json',
    )
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const reissued = await registrar.clients.reissueRegistrationToken(serviceId, clientId)
        if (flags.json) return printJson(reissued)
        printFields(reissued)
        printLine('Give the token to the client now: it is not shown again.')
      }),
    )
}

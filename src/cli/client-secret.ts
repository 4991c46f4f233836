/**
 * `registrar client secret refresh|update`: rotate a client's secret through the API
 * (Authlete's client/secret calls). The old secret stays accepted for the service's
 * clientSecretRotationOverlap. A chosen secret is read from a file or stdin, never the
 * command line, where other users can read it.
 */
import type { Command } from 'commander'
import type { ClientSecretResult } from '../sdk/index.js'
import { addApiOptions, connect, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { readText } from './input.js'
import { printJson, printLine } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { numericId } from './numbers.js'

/** Adds `secret refresh|update` to the `client` command. */
export function addSecretCommands(client: Command): void {
  addCommandGroup(client, 'secret', {
    description: "rotate a client's secret (the old one is accepted for the service's overlap)",
    examples:
      '\nExamples:\n  registrar client secret refresh 2418563210347 5910375611045\n  registrar client secret update 2418563210347 5910375611045 --secret secret.txt',
    subcommands: [addRefresh, addUpdate],
  })
}

/** A subcommand of `secret` with the API flags and the service and client id arguments. */
function subcommand(secret: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(secret.command(name)))
    .argument('<serviceId>', 'the service apiKey', numericId)
    .argument('<clientId>', 'the numeric client id', numericId)
}

function addRefresh(secret: Command): void {
  subcommand(secret, 'refresh')
    .description('give a client a new secret drawn by the server; prints it (only stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  SECRET=$(registrar client secret refresh 2418563210347 5910375611045)',
    )
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        show(flags, await registrar.clients.refreshSecret(serviceId, clientId))
      }),
    )
}

function addUpdate(secret: Command): void {
  subcommand(secret, 'update')
    .requiredOption(
      '--secret <file>',
      'the new secret (1 to 86 characters of A-Z a-z 0-9 - _) in FILE, or - to read stdin',
    )
    .description('set the secret you chose for a client')
    .addHelpText(
      'after',
      '\nExample:\n  openssl rand -base64 48 | tr +/ -_ | tr -d = | registrar client secret update 2418563210347 5910375611045 --secret -',
    )
    .action(
      run(async (serviceId: string, clientId: string, flags: ApiFlags & { secret: string }) => {
        const chosen = await readText(flags.secret, '--secret')
        const registrar = await connect(flags)
        show(flags, await registrar.clients.updateSecret(serviceId, clientId, chosen))
      }),
    )
}

/** The new secret alone, so a script can capture it; --json for the whole answer. */
function show(flags: ApiFlags, result: ClientSecretResult): void {
  if (flags.json) return printJson(result)
  printLine(result.newClientSecret)
}

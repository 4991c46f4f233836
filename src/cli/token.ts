/**
 * `registrar token create|list|delete`: service-scoped API tokens, and initial access
 * tokens (RFC 7591 §3) with `--initial`; `list` and `delete` take `--api` for API tokens.
 */
import type { Command } from 'commander'
import type { Registrar } from '../sdk/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printFields, printJson, printLine, printTable } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { numericId } from './numbers.js'

interface CreateFlags extends ApiFlags {
  description?: string
  initial?: boolean
  expiresIn?: string
  maxUses?: string
}

export function registerTokenCommands(program: Command): void {
  addCommandGroup(program, 'token', {
    description: 'issue and revoke service tokens and initial access tokens',
    examples:
      '\nExamples:\n  registrar token create 2418563210347\n  registrar token create 2418563210347 --initial --expires-in 3600 --max-uses 1',
    subcommands: [addCreate, addList, addDelete],
  })
}

/** A subcommand of `token` with the API flags and the service id argument. */
function subcommand(token: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(token.command(name))).argument(
    '<serviceId>',
    'the service apiKey',
    numericId,
  )
}

function addCreate(token: Command): void {
  subcommand(token, 'create')
    .description(
      'issue a service API token, or with --initial an initial access token; the token is shown once',
    )
    .option('--description <text>', 'what the token is for')
    .option('--initial', 'issue an initial access token for registration (RFC 7591 §3)')
    .option('--expires-in <seconds>', 'lifetime (default: never expires)')
    .option('--max-uses <n>', 'with --initial: registrations it allows (default: unlimited)')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar token create 2418563210347 --description "CI deploys"\n  TOKEN=$(registrar token create 2418563210347 --initial --max-uses 1 --json | jq -r .token)',
    )
    .action(
      run(async (serviceId: string, flags: CreateFlags) => {
        const expiresIn = integerFlag('--expires-in', flags.expiresIn)
        const maxUses = integerFlag('--max-uses', flags.maxUses)
        if (!flags.initial && maxUses !== undefined) {
          throw new UsageError('--max-uses applies to initial access tokens only', 'Add --initial.')
        }
        const registrar = await connect(flags)
        if (flags.initial) {
          return createInitialAccessToken(registrar, serviceId, flags, { expiresIn, maxUses })
        }
        return createServiceToken(registrar, serviceId, flags, expiresIn)
      }),
    )
}

async function createServiceToken(
  registrar: Registrar,
  serviceId: string,
  flags: CreateFlags,
  expiresIn: number | undefined,
): Promise<void> {
  const created = await registrar.tokens.create(serviceId, {
    description: flags.description,
    expiresIn,
  })
  if (flags.json) return printJson(created)
  printLine(`service token for ${serviceId} (shown once, store it now):`)
  printFields({ ...created, expiresAt: formatMillis(created.expiresAt) ?? 'never' })
}

/** @see RFC 7591 §3 */
async function createInitialAccessToken(
  registrar: Registrar,
  serviceId: string,
  flags: CreateFlags,
  limits: { expiresIn?: number; maxUses?: number },
): Promise<void> {
  const created = await registrar.initialAccessTokens.create(serviceId, {
    ...limits,
    description: flags.description,
  })
  if (flags.json) return printJson(created)
  printLine(`initial access token for ${serviceId} (shown once, store it now):`)
  printFields({
    id: created.id,
    token: created.token,
    expiresAt: formatMillis(created.expiresAt),
    maxUses: created.maxUses === 0 ? 'unlimited' : created.maxUses,
  })
}

function addList(token: Command): void {
  subcommand(token, 'list')
    .option('--api', "list the service's API tokens instead, with when each was last used")
    .description(
      "list a service's live initial access tokens, or with --api its API tokens (never secrets)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  registrar token list 2418563210347\n  registrar token list 2418563210347 --api',
    )
    .action(
      run(async (serviceId: string, flags: ApiFlags & { api?: boolean }) => {
        const registrar = await connect(flags)
        if (flags.api) {
          const tokens = await registrar.tokens.list(serviceId)
          if (flags.json) return printJson({ tokens })
          return printTable(
            ['ID', 'CREATED', 'EXPIRES', 'LAST_USED', 'DESCRIPTION'],
            tokens.map((t) => [
              t.id,
              formatMillis(t.createdAt),
              formatMillis(t.expiresAt) ?? 'never',
              formatMillis(t.lastUsedAt) ?? 'never',
              t.description,
            ]),
          )
        }
        const tokens = await registrar.initialAccessTokens.list(serviceId)
        if (flags.json) return printJson({ tokens })
        printTable(
          ['ID', 'EXPIRES', 'USES_LEFT', 'DESCRIPTION'],
          tokens.map((t) => [
            t.id,
            formatMillis(t.expiresAt),
            t.usesLeft ?? 'unlimited',
            t.description,
          ]),
        )
      }),
    )
}

function addDelete(token: Command): void {
  subcommand(token, 'delete')
    .argument('<tokenId>', 'the id shown by "token create" or "token list"')
    .option('--api', 'revoke an API token instead of an initial access token')
    .description('revoke an initial access token, or with --api an API token, at once')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar token delete 2418563210347 k3J9xQ\n  registrar token delete 2418563210347 p8Rw2a --api',
    )
    .action(
      run(async (serviceId: string, tokenId: string, flags: ApiFlags & { api?: boolean }) => {
        const registrar = await connect(flags)
        if (flags.api) await registrar.tokens.delete(serviceId, tokenId)
        else await registrar.initialAccessTokens.delete(serviceId, tokenId)
        if (flags.json) return printJson({ deleted: tokenId })
        printLine(`revoked ${flags.api ? 'API' : 'initial access'} token ${tokenId}`)
      }),
    )
}

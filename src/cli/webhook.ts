/**
 * `registrar webhook create|list|delete|deliveries`: a service's webhooks (README, Webhooks).
 */
import type { Command } from 'commander'
import type { WebhookEventKind } from '../sdk/index.js'
import { addApiOptions, connect, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { formatMillis, printFields, printJson, printLine, printTable } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { numericId } from './numbers.js'

interface CreateFlags extends ApiFlags {
  kind: string[]
  description?: string
}

export function registerWebhookCommands(program: Command): void {
  addCommandGroup(program, 'webhook', {
    description: "deliver a service's events to a URL, as signed CloudEvents",
    examples:
      '\nExamples:\n  registrar webhook create 2418563210347 https://hooks.example.com/registrar\n  registrar webhook list 2418563210347',
    subcommands: [addCreate, addList, addDelete, addDeliveries],
  })
}

/** A subcommand of `webhook` with the API flags and the service id argument. */
function subcommand(webhook: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(webhook.command(name))).argument(
    '<serviceId>',
    'the service apiKey',
    numericId,
  )
}

const collect = (value: string, previous: string[]) => [...previous, value]

function addCreate(webhook: Command): void {
  subcommand(webhook, 'create')
    // Positional: --url is the Registrar server's, as for every API command.
    .argument('<url>', 'the http or https URL events are POSTed to')
    .description('create a webhook; its signing secret is shown once')
    .option(
      '--kind <kind>',
      'an event kind to send, repeatable (default client.created, client.updated, client.deleted, client.rolled_back)',
      collect,
      [],
    )
    .option('--description <text>', 'what the webhook is for')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar webhook create 2418563210347 https://hooks.example.com/registrar\n  registrar webhook create 2418563210347 https://siem.example.com/in --kind authentication.failed --kind registration.rejected',
    )
    .action(
      run(async (serviceId: string, url: string, flags: CreateFlags) => {
        const registrar = await connect(flags)
        const created = await registrar.webhooks.create(serviceId, {
          url,
          ...(flags.kind.length > 0 && { kinds: flags.kind as WebhookEventKind[] }),
          ...(flags.description !== undefined && { description: flags.description }),
        })
        if (flags.json) return printJson(created)
        printLine(`webhook for ${serviceId} (the secret is shown once, store it now):`)
        printFields({ ...created, createdAt: formatMillis(created.createdAt) })
      }),
    )
}

function addList(webhook: Command): void {
  subcommand(webhook, 'list')
    .description("list a service's webhooks (never their secrets)")
    .addHelpText('after', '\nExample:\n  registrar webhook list 2418563210347')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const webhooks = await registrar.webhooks.list(serviceId)
        if (flags.json) return printJson({ webhooks })
        printTable(
          ['ID', 'URL', 'KINDS', 'DESCRIPTION'],
          webhooks.map((w) => [w.id, w.url, w.kinds.join(','), w.description]),
        )
      }),
    )
}

function addDelete(webhook: Command): void {
  subcommand(webhook, 'delete')
    .argument('<webhookId>', 'the id shown by "webhook create" or "webhook list"')
    .description('delete a webhook, with whatever is still queued for it')
    .addHelpText('after', '\nExample:\n  registrar webhook delete 2418563210347 5f0c2a9e81d3b7c4')
    .action(
      run(async (serviceId: string, webhookId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        await registrar.webhooks.delete(serviceId, webhookId)
        if (flags.json) return printJson({ deleted: webhookId })
        printLine(`deleted webhook ${webhookId}`)
      }),
    )
}

function addDeliveries(webhook: Command): void {
  subcommand(webhook, 'deliveries')
    .argument('<webhookId>', 'the id shown by "webhook create" or "webhook list"')
    .description("list a webhook's deliveries not yet made: pending and failed")
    .addHelpText(
      'after',
      '\nExample:\n  registrar webhook deliveries 2418563210347 5f0c2a9e81d3b7c4',
    )
    .action(
      run(async (serviceId: string, webhookId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const deliveries = await registrar.webhooks.deliveries(serviceId, webhookId)
        if (flags.json) return printJson({ deliveries })
        printTable(
          ['EVENT', 'STATE', 'ATTEMPTS', 'DUE', 'LAST_ERROR'],
          deliveries.map((d) => [
            d.eventId,
            d.state,
            d.attempts,
            formatMillis(d.dueAt),
            d.lastError,
          ]),
        )
      }),
    )
}

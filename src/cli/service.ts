/**
 * `registrar service create|list|get|update|delete|refresh-secret|configuration|policy`: the
 * services of the Authlete-compatible API, with Registrar's extension settings as flags.
 */
import type { Command } from 'commander'
import type { AuthleteService, Registrar } from '../sdk/index.js'
import { addApiOptions, connect, integerFlag, type ApiFlags } from './api-options.js'
import { addCommandGroup } from './command-group.js'
import { readJsonObject } from './input.js'
import { printFields, printJson, printLine, printTable } from './output.js'
import { collectPages } from './pages.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { addPolicyCommands } from './service-policy.js'
import { effectiveEndpoints, effectiveEndpointsOfAll } from './service-endpoints.js'
import { numericId } from './numbers.js'

interface ServiceFlags extends ApiFlags {
  name?: string
  description?: string
  issuer?: string
  from?: string
  dynamicRegistration?: boolean
  initialAccessTokenRequired?: boolean
  clientSecretLifetime?: string
  clientIdleLifetime?: string
  clientRestoreWindow?: string
  clientSecretRotationOverlap?: string
  allowPrivateNetworkUris?: boolean
  registrationAccessTokenRotation?: string
  registrationAccessTokenGrace?: string
  clientIdMetadataDocuments?: boolean
  clientIdMetadataDocumentHost?: string[]
  clientIdMetadataDocumentCacheMin?: string
  clientIdMetadataDocumentCacheMax?: string
  clientIdMetadataDocumentChangeApproval?: boolean
}

const SUMMARY_FIELDS = [
  'apiKey',
  'apiSecret',
  'serviceName',
  'description',
  'issuer',
  'dynamicRegistrationSupported',
  'registrationEndpoint',
  'initialAccessTokenRequired',
  'clientSecretLifetime',
  'clientIdleLifetime',
  'clientRestoreWindow',
  'clientSecretRotationOverlap',
  'allowPrivateNetworkUris',
  'registrationAccessTokenRotation',
  'registrationAccessTokenGrace',
  'clientIdMetadataDocumentSupported',
  'clientIdMetadataDocumentHosts',
  'createdAt',
  'modifiedAt',
] as const

export function registerServiceCommands(program: Command): void {
  addCommandGroup(program, 'service', {
    description: 'manage services (the authorization servers Registrar registers clients for)',
    examples: '\nExample:\n  registrar service create --name "Demo AS"\n  registrar service list',
    subcommands: [
      addCreate,
      addList,
      addGet,
      addUpdate,
      addDelete,
      addRefreshSecret,
      addConfiguration,
      addPolicyCommands,
    ],
  })
}

/** A subcommand of `service` with the API flags. */
function subcommand(service: Command, name: string): Command {
  return addApiOptions(exitOnUsageError(service.command(name)))
}

function addCreate(service: Command): void {
  withSettings(subcommand(service, 'create'))
    .description('create a service; prints its apiKey, the SERVICE_ID of every other command')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar service create --name "Demo AS" --initial-access-token-required\n  registrar service create --from service.json --json',
    )
    .action(
      run(async (flags: ServiceFlags) => {
        const registrar = await connect(flags)
        const created = await registrar.services.create(await settings(flags, {}))
        if (flags.json) return printJson(created)
        await show(registrar, created, `created service ${created.apiKey}`)
        printLine('The apiSecret (HTTP Basic password, apiKey as user) is not shown again.')
      }),
    )
}

function addList(service: Command): void {
  subcommand(service, 'list')
    .description('list the services the token may see')
    .option('--start <n>', 'first index, inclusive')
    .option('--end <n>', 'last index, exclusive (default: all)')
    .addHelpText('after', '\nExample:\n  registrar service list --json | jq ".services[].apiKey"')
    .action(
      run(async (flags: ApiFlags & { start?: string; end?: string }) => {
        const registrar = await connect(flags)
        const { items: services, ...window } = await collectPages(
          async (start, end) => {
            const page = await registrar.services.list({ start, end })
            return { totalCount: page.totalCount, items: page.services }
          },
          integerFlag('--start', flags.start),
          integerFlag('--end', flags.end),
        )
        if (flags.json) return printJson({ ...window, services })
        const endpoints = await effectiveEndpointsOfAll(
          registrar,
          services.map((s) => s.apiKey ?? 0),
        )
        printTable(
          ['SERVICE_ID', 'NAME', 'DCR', 'ISSUER', 'REGISTRATION_ENDPOINT'],
          services.map((s, i) => [
            s.apiKey,
            s.serviceName,
            s.dynamicRegistrationSupported ? 'on' : 'off',
            endpoints[i]?.issuer,
            endpoints[i]?.registrationEndpoint,
          ]),
        )
      }),
    )
}

function addGet(service: Command): void {
  subcommand(service, 'get')
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description('show a service')
    .addHelpText('after', '\nExample:\n  registrar service get 2418563210347 --json')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const found = await registrar.services.get(serviceId)
        if (flags.json) return printJson(found)
        printFields(found)
      }),
    )
}

function addUpdate(service: Command): void {
  withSettings(subcommand(service, 'update'))
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description(
      'change a service: reads it, applies --from and the flags, and writes it back whole',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  registrar service update 2418563210347 --client-secret-lifetime 86400\n  registrar service update 2418563210347 --no-dynamic-registration',
    )
    .action(
      run(async (serviceId: string, flags: ServiceFlags) => {
        const registrar = await connect(flags)
        const current = await registrar.services.get(serviceId)
        const updated = await registrar.services.update(serviceId, await settings(flags, current))
        if (flags.json) return printJson(updated)
        await show(registrar, updated, `updated service ${serviceId}`)
      }),
    )
}

function addDelete(service: Command): void {
  subcommand(service, 'delete')
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description('delete a service and all its clients (needs the admin token)')
    .addHelpText('after', '\nExample:\n  registrar service delete 2418563210347')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        await registrar.services.delete(serviceId)
        if (flags.json) return printJson({ deleted: serviceId })
        printLine(`deleted service ${serviceId}`)
      }),
    )
}

function addRefreshSecret(service: Command): void {
  subcommand(service, 'refresh-secret')
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description(
      'give a service a new apiSecret and print it once; the old one stops working (needs the admin token)',
    )
    .addHelpText('after', '\nExample:\n  registrar service refresh-secret 2418563210347')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        const refreshed = await registrar.services.refreshSecret(serviceId)
        if (flags.json) return printJson(refreshed)
        printLine(refreshed.apiSecret)
      }),
    )
}

function addConfiguration(service: Command): void {
  subcommand(service, 'configuration')
    .argument('<serviceId>', 'the service apiKey', numericId)
    .description('print the service discovery document (RFC 8414)')
    .addHelpText('after', '\nExample:\n  registrar service configuration 2418563210347')
    .action(
      run(async (serviceId: string, flags: ApiFlags) => {
        const registrar = await connect(flags)
        printJson(await registrar.services.configuration(serviceId))
      }),
    )
}

function withSettings(command: Command): Command {
  return command
    .option('--name <name>', 'serviceName')
    .option('--description <text>', 'description')
    .option(
      '--issuer <url>',
      'issuer identifier published in discovery (default: BASE_URL/SERVICE_ID)',
    )
    .option(
      '--from <file>',
      'a JSON Service object to start from (- reads stdin); flags override it',
    )
    .option('--dynamic-registration', 'allow dynamic client registration (new services allow it)')
    .option('--no-dynamic-registration', 'refuse dynamic client registration')
    .option(
      '--initial-access-token-required',
      'registration needs an initial access token (RFC 7591 §3)',
    )
    .option('--no-initial-access-token-required', 'registration needs no initial access token')
    .option(
      '--client-secret-lifetime <seconds>',
      'lifetime of newly issued client secrets, 0 = never expire',
    )
    .option(
      '--client-idle-lifetime <seconds>',
      'reap clients unused this long (at least 86400), 0 = never (the default)',
    )
    .option(
      '--client-restore-window <seconds>',
      'how long a deleted or reaped client can be restored, 0 = deletion is final (default 604800)',
    )
    .option(
      '--client-secret-rotation-overlap <seconds>',
      'how long a rotated-out client secret is still accepted, 0 = not at all',
    )
    .option(
      '--allow-private-network-uris',
      'let jwks_uri, request_uris and other URIs the authorization server fetches name loopback, private or link-local addresses',
    )
    .option('--no-allow-private-network-uris', 'refuse such URIs (the default)')
    .option(
      '--registration-access-token-rotation <when>',
      'when the registration access token is replaced (RFC 7592 §3): never (the default), on_update, on_use',
    )
    .option(
      '--registration-access-token-grace <seconds>',
      'seconds the previous token still works once after a rotation (default 60, 0 = none)',
    )
    .option(
      '--client-id-metadata-documents',
      'resolve https URL client_ids by fetching their Client ID Metadata Document',
    )
    .option('--no-client-id-metadata-documents', 'treat URL client_ids as unknown (the default)')
    .option(
      '--client-id-metadata-document-host <host-or-prefix>',
      'a host name or https URL prefix documents may be fetched from (repeat for more; none = any public host)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--client-id-metadata-document-cache-min <seconds>',
      'shortest time a fetched document is cached (default 300)',
    )
    .option(
      '--client-id-metadata-document-cache-max <seconds>',
      'longest time a fetched document is cached (default 86400)',
    )
    .option(
      '--client-id-metadata-document-change-approval',
      'hold a fetched document whose redirect_uris or keys changed until approved (registrar client document approve)',
    )
    .option(
      '--no-client-id-metadata-document-change-approval',
      'use a changed document at once (the default)',
    )
}

/** The service to send: the base, then --from, then the flags. */
async function settings(flags: ServiceFlags, base: AuthleteService): Promise<AuthleteService> {
  const fromFile = flags.from
    ? ((await readJsonObject(flags.from, '--from')) as AuthleteService)
    : {}
  const fromFlags: AuthleteService = {
    serviceName: flags.name,
    description: flags.description,
    issuer: flags.issuer,
    dynamicRegistrationSupported: flags.dynamicRegistration,
    initialAccessTokenRequired: flags.initialAccessTokenRequired,
    clientSecretLifetime: integerFlag('--client-secret-lifetime', flags.clientSecretLifetime),
    clientIdleLifetime: integerFlag('--client-idle-lifetime', flags.clientIdleLifetime),
    clientRestoreWindow: integerFlag('--client-restore-window', flags.clientRestoreWindow),
    clientSecretRotationOverlap: integerFlag(
      '--client-secret-rotation-overlap',
      flags.clientSecretRotationOverlap,
    ),
    allowPrivateNetworkUris: flags.allowPrivateNetworkUris,
    registrationAccessTokenRotation: rotationFlag(flags.registrationAccessTokenRotation),
    registrationAccessTokenGrace: integerFlag(
      '--registration-access-token-grace',
      flags.registrationAccessTokenGrace,
    ),
    clientIdMetadataDocumentSupported: flags.clientIdMetadataDocuments,
    clientIdMetadataDocumentHosts: flags.clientIdMetadataDocumentHost,
    clientIdMetadataDocumentCacheMinSeconds: integerFlag(
      '--client-id-metadata-document-cache-min',
      flags.clientIdMetadataDocumentCacheMin,
    ),
    clientIdMetadataDocumentCacheMaxSeconds: integerFlag(
      '--client-id-metadata-document-cache-max',
      flags.clientIdMetadataDocumentCacheMax,
    ),
    clientIdMetadataDocumentChangeApproval: flags.clientIdMetadataDocumentChangeApproval,
  }
  const defined = Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined))
  return { ...base, ...fromFile, ...defined }
}

const ROTATIONS = ['never', 'on_update', 'on_use'] as const

function rotationFlag(value: string | undefined): (typeof ROTATIONS)[number] | undefined {
  if (value === undefined) return undefined
  const rotation = ROTATIONS.find((known) => known === value)
  if (rotation === undefined) {
    throw new UsageError(
      `--registration-access-token-rotation must be one of ${ROTATIONS.join(', ')}`,
    )
  }
  return rotation
}

/** The summary of a service, its effective issuer and registration endpoint in place of the settings. */
async function show(registrar: Registrar, service: AuthleteService, headline: string) {
  const effective = await effectiveEndpoints(registrar, service.apiKey ?? 0)
  printLine(headline)
  printFields({ ...service, ...effective }, SUMMARY_FIELDS)
}

/**
 * `registrar register` and `registrar registration read|update|delete`: the DCR client
 * (registrar/client) for an app or agent, keeping what it was issued in a credentials
 * file keyed by issuer (mode 0600).
 */
import { Option, type Command } from 'commander'
import type {
  ClientMetadata,
  ClientRegistrationResponse,
  DcrClient,
  FileCredentialStore,
} from '../client/index.js'
import { addCommandGroup } from './command-group.js'
import { readJsonObject } from './input.js'
import { printFields, printJson, printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'

const DEFAULT_CREDENTIALS = './registrar-credentials.json'

interface CredentialFlags {
  credentials: string
  issuer?: string
  json?: boolean
}

interface RegisterFlags extends CredentialFlags {
  metadata: string
  initialAccessToken?: string
  softwareStatement?: string
  registrationEndpoint?: string
  ifNeeded?: boolean
}

const SHOWN = [
  'client_id',
  'client_secret',
  'client_id_issued_at',
  'client_secret_expires_at',
  'registration_client_uri',
  'client_name',
  'redirect_uris',
  'grant_types',
  'token_endpoint_auth_method',
  'scope',
] as const

export function registerRegistrationCommands(program: Command): void {
  addRegister(program)
  addCommandGroup(program, 'registration', {
    description: 'read, update or delete the registration saved by "registrar register" (RFC 7592)',
    examples:
      '\nExample:\n  registrar registration read --credentials ./registrar-credentials.json',
    subcommands: [addRead, addUpdate, addDelete],
  })
}

/** @see RFC 7591 §3.1 */
function addRegister(program: Command): void {
  withCredentials(exitOnUsageError(program.command('register')))
    .description('register this app at an authorization server (RFC 7591) and save the credentials')
    .requiredOption(
      '--issuer <url>',
      "the authorization server's issuer; its metadata is discovered (RFC 8414)",
    )
    .requiredOption('--metadata <file>', 'client metadata as a JSON file, - reads stdin')
    .addOption(
      new Option(
        '--initial-access-token <token>',
        'for servers that require one (RFC 7591 §3)',
      ).env('REGISTRAR_INITIAL_ACCESS_TOKEN'),
    )
    .option('--software-statement <jwt>', 'a software statement to send (RFC 7591 §2.3)')
    .option('--registration-endpoint <url>', 'skip discovery and register here')
    .option(
      '--if-needed',
      'keep the saved registration while the server still knows it and its secret is valid',
    )
    .addHelpText(
      'after',
      `
Registers anew each time, replacing the credentials saved for the issuer, unless
--if-needed finds them still valid (read back with RFC 7592 §2.1).

Example:
  echo '{"client_name":"My agent","redirect_uris":["http://127.0.0.1:8765/callback"]}' > metadata.json
  registrar register --issuer http://127.0.0.1:8080/2418563210347 --metadata metadata.json`,
    )
    .action(run(register))
}

async function register(flags: RegisterFlags): Promise<void> {
  const metadata = (await readJsonObject(flags.metadata, '--metadata')) as ClientMetadata
  const dcr = await dcrClient(flags, flags.issuer as string, flags.registrationEndpoint)
  const options = {
    initialAccessToken: flags.initialAccessToken,
    softwareStatement: flags.softwareStatement,
  }
  const registered = flags.ifNeeded
    ? await dcr.ensureRegistered(metadata, options)
    : await dcr.register(metadata, options)
  show(
    flags,
    registered,
    `registered client ${registered.client_id}; credentials saved to ${(dcr.store as FileCredentialStore).path}`,
  )
}

/** A subcommand of `registration`: the credentials file and which issuer's entry. */
function subcommand(registration: Command, name: string): Command {
  return withIssuer(withCredentials(exitOnUsageError(registration.command(name))))
}

/** @see RFC 7592 §2.1 */
function addRead(registration: Command): void {
  subcommand(registration, 'read')
    .description(
      'read the registration back from the server (RFC 7592 §2.1) and save what it answers',
    )
    .addHelpText('after', '\nExample:\n  registrar registration read --json')
    .action(
      run(async (flags: CredentialFlags) => {
        const dcr = await dcrClient(flags, await storedIssuer(flags))
        show(flags, await dcr.read())
      }),
    )
}

/** @see RFC 7592 §2.2 */
function addUpdate(registration: Command): void {
  subcommand(registration, 'update')
    .description(
      'replace the registered metadata (RFC 7592 §2.2): send all of it, not only changes',
    )
    .requiredOption(
      '--metadata <file>',
      'the complete client metadata as a JSON file, - reads stdin',
    )
    .addHelpText('after', '\nExample:\n  registrar registration update --metadata metadata.json')
    .action(
      run(async (flags: CredentialFlags & { metadata: string }) => {
        const metadata = (await readJsonObject(flags.metadata, '--metadata')) as ClientMetadata
        const dcr = await dcrClient(flags, await storedIssuer(flags))
        show(flags, await dcr.update(metadata), 'updated; credentials saved')
      }),
    )
}

/** @see RFC 7592 §2.3 */
function addDelete(registration: Command): void {
  subcommand(registration, 'delete')
    .description('deregister at the server (RFC 7592 §2.3) and remove the saved credentials')
    .addHelpText('after', '\nExample:\n  registrar registration delete')
    .action(
      run(async (flags: CredentialFlags) => {
        const issuer = await storedIssuer(flags)
        const dcr = await dcrClient(flags, issuer)
        const clientId = (await dcr.credentials())?.client_id
        await dcr.delete()
        if (flags.json) return printJson({ deleted: clientId, issuer })
        printLine(`deleted client ${clientId} at ${issuer}`)
      }),
    )
}

function withCredentials(command: Command): Command {
  return command
    .addOption(
      new Option('--credentials <path>', 'the credentials file (JSON, mode 0600)')
        .env('REGISTRAR_CREDENTIALS')
        .default(DEFAULT_CREDENTIALS),
    )
    .option('--json', 'print the client information as JSON, for scripts')
}

function withIssuer(command: Command): Command {
  return command.option('--issuer <url>', 'which registration, when the file holds several')
}

async function openStore(flags: CredentialFlags): Promise<FileCredentialStore> {
  const { FileCredentialStore } = await import('../client/index.js')
  // An empty REGISTRAR_CREDENTIALS reads as unset.
  return new FileCredentialStore(flags.credentials || DEFAULT_CREDENTIALS)
}

async function dcrClient(
  flags: CredentialFlags,
  issuer: string,
  registrationEndpoint?: string,
): Promise<DcrClient> {
  if (!URL.canParse(issuer)) {
    throw new UsageError(
      `--issuer ${issuer} is not an absolute URL`,
      'Example: --issuer https://as.example.com',
    )
  }
  const { DcrClient } = await import('../client/index.js')
  return new DcrClient({ issuer, store: await openStore(flags), registrationEndpoint })
}

/** --issuer, or the one issuer the file holds. */
async function storedIssuer(flags: CredentialFlags): Promise<string> {
  if (flags.issuer) return flags.issuer
  const store = await openStore(flags)
  const issuers = await store.issuers()
  if (issuers.length === 1) return issuers[0] as string
  if (issuers.length === 0) {
    throw new UsageError(
      `no registration is saved in ${store.path}`,
      'Run "registrar register --issuer URL --metadata FILE" first, or pass --credentials PATH.',
    )
  }
  throw new UsageError(
    `${store.path} holds several registrations`,
    `Pass --issuer, one of: ${issuers.join(', ')}`,
  )
}

function show(
  flags: CredentialFlags,
  credentials: ClientRegistrationResponse,
  headline?: string,
): void {
  if (flags.json) return printJson(credentials)
  if (headline) printLine(headline)
  printFields(credentials, SHOWN)
}

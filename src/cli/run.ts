/**
 * How every API and registration command ends: exit codes scripts can rely on, and an
 * error on stderr that says what to do next.
 *
 *   0  success
 *   1  the server refused or failed (an API error, an OAuth error answer)
 *   2  usage error (bad flags or arguments, unreadable input, no credentials yet)
 *   3  network error (the server could not be reached)
 */
import type { Command, CommanderError } from 'commander'
import type { DcrError } from '../client/index.js'
import type { RegistrarApiError, RegistrarNetworkError } from '../sdk/index.js'

const EXIT = Object.freeze({ ok: 0, server: 1, usage: 2, network: 3 })

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the server answered with an error (API error, OAuth error, refused token)
  2  usage error (bad flags or arguments, unreadable input file, nothing registered yet)
  3  network error (the server could not be reached)`

/** A mistake in how the command was called; exits 2. */
export class UsageError extends Error {
  readonly hint: string | undefined

  constructor(message: string, hint?: string) {
    super(message)
    this.name = 'UsageError'
    this.hint = hint
  }
}

/** Makes commander's own usage errors (unknown option, missing argument) exit 2, help 0. */
export function exitOnUsageError(command: Command): Command {
  return command
    .showHelpAfterError(`(run "${commandPath(command)} --help" for usage and examples)`)
    .exitOverride((error: CommanderError) => {
      // --help and --version end with 0; help shown for a mistake (no command) is a usage error.
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage)
    })
}

/** Wraps an action so that any failure is reported on stderr with its exit code. */
export function run<Args extends unknown[]>(
  action: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await action(...args)
    } catch (error) {
      const { code, message, hint } = await describe(error)
      process.stderr.write(`registrar: ${message}\n${hint ? `${hint}\n` : ''}`)
      process.exitCode = code
    }
  }
}

interface Failure {
  code: number
  message: string
  hint?: string
}

async function describe(error: unknown): Promise<Failure> {
  if (error instanceof UsageError)
    return { code: EXIT.usage, message: error.message, hint: error.hint }
  const [{ RegistrarApiError, RegistrarNetworkError }, { DcrError }] = await Promise.all([
    import('../sdk/index.js'),
    import('../client/index.js'),
  ])
  if (error instanceof RegistrarNetworkError) return describeNetwork(error)
  if (error instanceof RegistrarApiError) return describeApi(error)
  if (error instanceof DcrError) return describeDcr(error)
  const message = error instanceof Error ? error.message : String(error)
  return { code: EXIT.server, message }
}

function describeNetwork(error: RegistrarNetworkError): Failure {
  return {
    code: EXIT.network,
    message: error.message,
    hint: 'Is the server running? Point --url (or REGISTRAR_URL) at it.',
  }
}

const API_HINTS: Record<number, string> = {
  401: 'Check --token (or REGISTRAR_ADMIN_TOKEN): the server did not accept it.',
  403: 'This token may not do that: a service token acts only within its own service; use the admin token.',
  404: 'Check the ids: "registrar service list" and "registrar client list SERVICE_ID" show them.',
}

/** Registrar's answer for a path it has no route for, under /api/ (an unknown id says "no service ..."). */
const NO_SUCH_API = /no such API/

/**
 * Whether a 404 names no route rather than an unknown id: Registrar answers an unknown id
 * with a result error, and a path it has no route for (a --url with a wrong prefix, or
 * one that points at another server) with "no such API" or no result error at all.
 */
function isWrongUrl(error: RegistrarApiError): boolean {
  return error.status === 404 && (!error.resultCode || NO_SUCH_API.test(error.resultMessage))
}

function describeApi(error: RegistrarApiError): Failure {
  // Authlete's resultMessage already starts with "[resultCode]".
  const code =
    error.resultCode && !error.resultMessage.includes(error.resultCode)
      ? ` [${error.resultCode}]`
      : ''
  return {
    code: EXIT.server,
    message: `the server answered ${error.status}${code}: ${error.resultMessage}`,
    hint: isWrongUrl(error)
      ? "Check --url (or REGISTRAR_URL): it must be Registrar's base URL, e.g. http://127.0.0.1:8080, with no /api or other path after it."
      : API_HINTS[error.status],
  }
}

const DCR_HINTS: Record<string, string> = {
  invalid_token:
    'The server refused the token: pass a valid --initial-access-token, or register again if this registration was deleted.',
  invalid_client_metadata: 'Fix the metadata file; the description above names the field.',
  invalid_redirect_uri: 'Fix redirect_uris in the metadata file.',
  invalid_issuer: 'Pass the issuer exactly as the server names itself in its metadata.',
  discovery_failed:
    'Check --issuer, or pass --registration-endpoint for a server without discovery.',
}

function describeDcr(error: DcrError): Failure {
  if (error.error === 'network_error') {
    return {
      code: EXIT.network,
      message: error.message,
      hint: 'Check --issuer and that the server is reachable.',
    }
  }
  if (error.error === 'not_registered') {
    return {
      code: EXIT.usage,
      message: error.message,
      hint: 'Run "registrar register --issuer URL --metadata FILE" first.',
    }
  }
  return { code: EXIT.server, message: error.message, hint: DCR_HINTS[error.error] }
}

function commandPath(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

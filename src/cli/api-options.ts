/**
 * The flags every API command shares: where the server is, which token to use, and how
 * to print. Flag over environment variable over default.
 */
import { Option, type Command } from 'commander'
import type { Registrar } from '../sdk/index.js'
export { integerFlag } from './numbers.js'
import { UsageError } from './run.js'

const DEFAULT_URL = 'http://127.0.0.1:8080'

export interface ApiFlags {
  url: string
  token?: string
  json?: boolean
}

/** Adds --url, --token and --json. */
export function addApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'base URL of the Registrar server')
        .env('REGISTRAR_URL')
        .default(DEFAULT_URL),
    )
    .addOption(
      new Option(
        '--token <token>',
        'admin token, or a service token for calls within its service',
      ).env('REGISTRAR_ADMIN_TOKEN'),
    )
    .option('--json', 'print the answer as JSON, for scripts')
}

/** An SDK client for the flags; a missing token or a bad URL is a usage error. */
export async function connect(flags: ApiFlags): Promise<Registrar> {
  if (!flags.token) {
    throw new UsageError(
      'no API token given',
      'Pass --token TOKEN or set REGISTRAR_ADMIN_TOKEN (the server prints the admin token on its first start).',
    )
  }
  if (!URL.canParse(flags.url)) {
    throw new UsageError(
      `--url ${flags.url} is not an absolute URL`,
      'Example: --url http://127.0.0.1:8080',
    )
  }
  const { Registrar } = await import('../sdk/index.js')
  return new Registrar({ baseUrl: flags.url, token: flags.token })
}

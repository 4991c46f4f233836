/**
 * The flags of the commands that work on the database itself rather than through the API
 * (`secrets rekey`, `admin rotate-token`): which database, and the keyring to open it with,
 * found as `serve` finds them.
 */
import type { Command } from 'commander'
import type { Config } from '../config.js'
import { UsageError } from './run.js'

export interface DatabaseFlags {
  database?: string
  secretKeyFile?: string
}

/** Adds --database and --secret-key-file. */
export function addDatabaseOptions(command: Command): Command {
  return command
    .option(
      '--database <url>',
      'SQLite path, sqlite:PATH or postgres://... (env DATABASE_URL, default ./data/registrar.db)',
    )
    .option(
      '--secret-key-file <path>',
      'the keyring file, as for serve (env REGISTRAR_SECRET_KEY_FILE; or env REGISTRAR_SECRET_KEYS)',
    )
}

/** The configuration serve would run with for these flags; a bad one is a usage error. */
export async function databaseConfig(
  flags: DatabaseFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  const { loadConfig, ConfigError } = await import('../config.js')
  try {
    return loadConfig({ database: flags.database, secretKeyFile: flags.secretKeyFile }, env)
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
}

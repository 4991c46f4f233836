/**
 * The flags of the commands that work on a database itself rather than through the API
 * (`secrets rekey`, `admin rotate-token`, `export`, `import`): which database, and the keyring that reads its
 * client secrets, each with serve's environment variable and default.
 */
import type { Command } from 'commander'
import type { Config } from '../config.js'
import { loadCommandConfig } from './command-config.js'

export interface StoreFlags {
  database?: string
  secretKeyFile?: string
}

export function addStoreOptions(command: Command): Command {
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

/** The database and keyring the flags and environment name, as serve reads them. */
export async function storeConfig(
  flags: StoreFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Config> {
  return loadCommandConfig({ database: flags.database, secretKeyFile: flags.secretKeyFile }, env)
}

/**
 * `registrar secrets rekey`: seals every client secret again under the first key of the
 * keyring, after a new key was put first (README, Lifecycle). It works on the database
 * itself, not through the API (the API never sees sealed values), and runs beside servers
 * using the same database: each row is rewritten only if it still holds what was read.
 * Once it has run, the old key can leave the keyring.
 */
import type { Command } from 'commander'
import type { ServeFlags } from '../config.js'
import { printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'

interface RekeyFlags {
  database?: string
  secretKeyFile?: string
}

export function registerSecretsCommands(program: Command): void {
  const secrets = exitOnUsageError(program.command('secrets'))
    .description('client secrets sealed at rest')
    .addHelpText('after', '\nExample:\n  registrar secrets rekey --database ./data/registrar.db')
  exitOnUsageError(secrets.command('rekey'))
    .description(
      'seal every client secret again under the first key of the keyring, so older keys can be removed',
    )
    .option(
      '--database <url>',
      'SQLite path, sqlite:PATH or postgres://... (env DATABASE_URL, default ./data/registrar.db)',
    )
    .option(
      '--secret-key-file <path>',
      'the keyring file, as for serve (env REGISTRAR_SECRET_KEY_FILE; or env REGISTRAR_SECRET_KEYS)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  REGISTRAR_SECRET_KEYS="new:BASE64KEY,old:BASE64KEY" registrar secrets rekey --database postgres://db/registrar',
    )
    .action(
      run(async (flags: RekeyFlags) => {
        const [{ loadConfig, ConfigError }, { rekeySecrets }] = await Promise.all([
          import('../config.js'),
          import('../store/index.js'),
        ])
        let config
        try {
          const serveFlags: ServeFlags = flags
          config = loadConfig(serveFlags, process.env)
        } catch (error) {
          if (error instanceof ConfigError) throw new UsageError(error.message)
          throw error
        }
        const { rewritten, keyId } = await rekeySecrets(config.database, {
          secretKeys: config.secretKeys,
        })
        printLine(
          `${rewritten} client secret${rewritten === 1 ? '' : 's'} sealed again under key "${keyId}"`,
        )
      }),
    )
}

/**
 * `registrar secrets rekey`: seals every client secret again under the first key of the
 * keyring, after a new key was put first (README, Lifecycle). It works on the database
 * itself, not through the API (the API never sees sealed values), and runs beside servers
 * using the same database: each row is rewritten only if it still holds what was read.
 * Once it has run, the old key can leave the keyring.
 */
import type { Command } from 'commander'
import { printLine } from './output.js'
import { loadCommandConfig } from './command-config.js'
import { exitOnUsageError, run } from './run.js'

interface RekeyFlags {
  database?: string
  secretKeyFile?: string
}

export function registerSecretsCommands(program: Command): void {
  const secrets = exitOnUsageError(program.command('secrets')).description(
    'client secrets sealed at rest',
  )
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
        const [config, { rekeySecrets }] = await Promise.all([
          loadCommandConfig(flags),
          import('../store/index.js'),
        ])
        const { rewritten, keyId } = await rekeySecrets(config.database, {
          ...config.databaseConnection,
          secretKeys: config.secretKeys,
        })
        printLine(
          `${rewritten} client secret${rewritten === 1 ? '' : 's'} sealed again under key "${keyId}"`,
        )
      }),
    )
}

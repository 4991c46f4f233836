/**
 * `registrar secrets rekey`: seals every client secret again under the first key of the
 * keyring, after a new key was put first (README, Lifecycle). It works on the database
 * itself, not through the API (the API never sees sealed values), and runs beside servers
 * using the same database: each row is rewritten only if it still holds what was read.
 * Once it has run, the old key can leave the keyring.
 */
import type { Command } from 'commander'
import { printLine } from './output.js'
import { exitOnUsageError, run } from './run.js'
import { addStoreOptions, storeConfig, type StoreFlags } from './store-flags.js'

export function registerSecretsCommands(program: Command): void {
  const secrets = exitOnUsageError(program.command('secrets'))
    .description('client secrets sealed at rest')
    .addHelpText('after', '\nExample:\n  registrar secrets rekey --database ./data/registrar.db')
  addStoreOptions(exitOnUsageError(secrets.command('rekey')))
    .description(
      'seal every client secret again under the first key of the keyring, so older keys can be removed',
    )
    .addHelpText(
      'after',
      '\nExample:\n  REGISTRAR_SECRET_KEYS="new:BASE64KEY,old:BASE64KEY" registrar secrets rekey --database postgres://db/registrar',
    )
    .action(
      run(async (flags: StoreFlags) => {
        const [config, { rekeySecrets }] = await Promise.all([
          storeConfig(flags),
          import('../store/index.js'),
        ])
        const { rewritten, keyId } = await rekeySecrets(config.database, {
          secretKeys: config.secretKeys,
        })
        printLine(
          `${rewritten} client secret${rewritten === 1 ? '' : 's'} sealed again under key "${keyId}"`,
        )
      }),
    )
}

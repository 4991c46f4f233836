/**
 * `registrar migrate`: brings a database's schema up to this version and exits, what
 * `serve` does at start. For deployments whose servers run as a role that may only read
 * and write rows: the role that owns the schema runs this once per upgrade, before them.
 */
import type { Command } from 'commander'
import { printLine } from './output.js'
import { loadCommandConfig } from './command-config.js'
import { exitOnUsageError, run } from './run.js'

interface MigrateFlags {
  database?: string
  databasePasswordFile?: string
}

export function registerMigrateCommand(program: Command): void {
  exitOnUsageError(program.command('migrate'))
    .description("bring the database's schema up to this version of Registrar, then exit")
    .option(
      '--database <url>',
      'SQLite path, sqlite:PATH or postgres://... (env DATABASE_URL, default ./data/registrar.db)',
    )
    .option(
      '--database-password-file <path>',
      'file holding the PostgreSQL password, as for serve (env REGISTRAR_DATABASE_PASSWORD_FILE)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  DATABASE_URL="postgres://registrar_owner@db/registrar?schema=registrar" registrar migrate',
    )
    .action(
      run(async (flags: MigrateFlags) => {
        const [config, { connect }, { SCHEMA_VERSION }] = await Promise.all([
          loadCommandConfig(flags),
          import('../store/index.js'),
          import('../store/migrations.js'),
        ])
        const { db, applied } = await connect(config.database, config.databaseConnection)
        await db.destroy()
        printLine(
          applied.length === 0
            ? `the schema is at version ${SCHEMA_VERSION} already`
            : `migrated the schema to version ${SCHEMA_VERSION} (applied ${applied.join(', ')})`,
        )
      }),
    )
}

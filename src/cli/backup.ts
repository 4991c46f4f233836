/**
 * `registrar backup`: an online copy of a SQLite database while servers keep using it
 * (store/sqlite/backup.ts). The client secrets in it are sealed with the keys of the key
 * file beside the database (`<database>.key`), which the copy cannot be read without:
 * `--with-key` copies it beside the backup, 0600, else a reminder says to keep it. A
 * PostgreSQL database is backed up with pg_dump, which this command says.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'

interface BackupFlags {
  database?: string
  output: string
  withKey?: boolean
}

export function registerBackupCommand(program: Command): void {
  exitOnUsageError(program.command('backup'))
    .description('copy a SQLite database while servers keep using it')
    .option('--database <path>', 'the SQLite file (env DATABASE_URL, default ./data/registrar.db)')
    .requiredOption('--output <file>', 'the copy to write: a new file, never overwritten')
    .option(
      '--with-key',
      "also copy the database's key file (DATABASE.key), which seals client secrets, to OUTPUT.key",
    )
    .addHelpText(
      'after',
      '\nExample:\n  registrar backup --database ./data/registrar.db --output /backups/registrar-$(date +%F).db --with-key',
    )
    .action(run(backup))
}

async function backup(flags: BackupFlags): Promise<void> {
  const [{ DEFAULTS }, { keyFileOf }, { backupSqlite }] = await Promise.all([
    import('../config.js'),
    import('../store/index.js'),
    import('../store/sqlite/backup.js'),
  ])
  const database = flags.database || process.env['DATABASE_URL'] || DEFAULTS.database
  if (/^postgres(ql)?:/i.test(database)) {
    // The URL may hold a password: never echoed.
    throw new UsageError(
      'registrar backup copies a SQLite file; back a PostgreSQL database up with pg_dump',
      'e.g. pg_dump --format=custom --schema=SCHEMA --file=registrar.dump "$DATABASE_URL", and keep REGISTRAR_SECRET_KEYS with it',
    )
  }
  const path = database.replace(/^sqlite:/i, '')
  if (path === ':memory:') throw new UsageError('an in-memory database has nothing to back up')
  const keyFile = keyFileOf(path)
  if (flags.withKey && !existsSync(keyFile)) {
    throw new UsageError(
      `there is no key file ${keyFile}: the server seals client secrets with the keys of REGISTRAR_SECRET_KEYS or --secret-key-file, keep those with the backup`,
    )
  }
  const copy = await backupSqlite(path, flags.output)
  printLine(`backed up ${copy.clients} clients to ${flags.output} (${copy.bytes} bytes)`)
  if (flags.withKey) {
    writeFileSync(keyFileOf(flags.output), readFileSync(keyFile), { mode: 0o600, flag: 'wx' })
    printLine(`copied the key file to ${keyFileOf(flags.output)}: keep it as secret as the key`)
  } else if (existsSync(keyFile)) {
    printLine(
      `client secrets in the copy are sealed with the keys in ${keyFile}: back that file up too (or use --with-key)`,
    )
  }
}

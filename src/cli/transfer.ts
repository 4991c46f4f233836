/**
 * `registrar export` and `registrar import`: a whole database as JSON lines, to move it to
 * another database (SQLite to PostgreSQL, one server to another). They work on the
 * databases themselves, not through the API: the export holds every service, client,
 * token hash and the audit history, with client secrets, API secrets and webhook secrets
 * encrypted under a key the user gives (README, Moving data).
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'
import { packageVersion } from './package-version.js'
import { addStoreOptions, storeConfig, type StoreFlags } from './store-flags.js'

interface TransferFlags extends StoreFlags {
  exportKeyFile: string
}

const KEY_HINT =
  'Make one with: (umask 077; node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))" > export.key)'

export function registerTransferCommands(program: Command): void {
  addTransferOptions(exitOnUsageError(program.command('export')))
    .description(
      'write every service, client, token hash and audit event of a database as JSON lines',
    )
    .option('--output <file>', 'write the export to this file (created 0600) instead of stdout')
    .addHelpText(
      'after',
      '\nSecrets are encrypted under the export key; hashes are written as they are.\n\n' +
        'Example:\n  registrar export --database ./data/registrar.db --export-key-file export.key --output registrar.jsonl',
    )
    .action(run(exportDatabase))
  addTransferOptions(exitOnUsageError(program.command('import')))
    .description('read an export into an empty database, all or nothing')
    .option('--input <file>', 'read the export from this file instead of stdin')
    .addHelpText(
      'after',
      "\nClient secrets are sealed under the destination's keyring (REGISTRAR_SECRET_KEYS or --secret-key-file).\n\n" +
        'Example:\n  REGISTRAR_SECRET_KEYS="k1:BASE64KEY" registrar import --database postgres://registrar@db/registrar \\\n' +
        '    --export-key-file export.key --input registrar.jsonl',
    )
    .action(run(importDatabase))
}

function addTransferOptions(command: Command): Command {
  return addStoreOptions(command).requiredOption(
    '--export-key-file <path>',
    "the export's key: a file (0600) holding 32 random bytes in base64, or a passphrase of 16 characters or more",
  )
}

async function exportDatabase(flags: TransferFlags & { output?: string }): Promise<void> {
  if (flags.output === undefined && process.stdout.isTTY) {
    throw new UsageError('the export goes to stdout: redirect it to a file, or give --output FILE')
  }
  const [config, store] = await Promise.all([storeConfig(flags), import('../store/index.js')])
  const lines = store.exportStore(config.database, {
    secretKeys: config.secretKeys,
    exportKey: await exportKey(flags.exportKeyFile),
    registrarVersion: packageVersion(),
  })
  let last = ''
  async function* withNewlines(): AsyncGenerator<string> {
    for await (const line of lines) {
      last = line
      yield `${line}\n`
    }
  }
  const output =
    flags.output === undefined
      ? process.stdout
      : createWriteStream(flags.output, { mode: 0o600, flags: 'w' })
  await pipeline(Readable.from(withNewlines()), output, { end: output !== process.stdout })
  const { end } = JSON.parse(last) as { end: { rows: Record<string, number> } }
  process.stderr.write(`registrar: exported ${describeRows(end.rows)}\n`)
}

async function importDatabase(flags: TransferFlags & { input?: string }): Promise<void> {
  if (flags.input === undefined && process.stdin.isTTY) {
    throw new UsageError('the export is read from stdin: pipe it in, or give --input FILE')
  }
  const [config, store] = await Promise.all([storeConfig(flags), import('../store/index.js')])
  if (flags.input !== undefined && !existsSync(flags.input)) {
    throw new UsageError(`no export at ${flags.input}`)
  }
  const input = flags.input === undefined ? process.stdin : createReadStream(flags.input)
  const lines = createInterface({ input, crlfDelay: Infinity })
  const { header, rows } = await store.importStore(
    config.database,
    {
      secretKeys: config.secretKeys,
      exportKey: await exportKey(flags.exportKeyFile),
      onKeyFileCreated: (path) =>
        process.stderr.write(`registrar: created the key file ${path}: keep it with backups\n`),
    },
    lines,
  )
  const from = `Registrar ${header.registrarVersion ?? '(unknown version)'}, schema ${header.schemaVersion}`
  printLine(`imported ${describeRows(rows)} (exported by ${from} at ${header.exportedAt})`)
}

async function exportKey(path: string): Promise<string> {
  const { readExportKeyFile } = await import('../store/index.js')
  try {
    return readExportKeyFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`no export key file at ${path}`, KEY_HINT)
    throw new UsageError((error as Error).message)
  }
}

function describeRows(rows: Record<string, number>): string {
  const tables = Object.entries(rows).filter(([, count]) => count > 0)
  if (tables.length === 0) return 'no rows'
  return tables.map(([table, count]) => `${count} ${table}`).join(', ')
}

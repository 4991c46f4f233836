/**
 * `registrar admin rotate-token`: a new admin token, printed once; only its hash is stored.
 * It works on the database itself, not through the API, so it also recovers a lost token:
 * whoever can write the database may replace it. Servers on the same database check the
 * admin token against the stored hash at each request, so the old token stops working at
 * once, without a restart.
 */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { addCommandGroup } from './command-group.js'
import { addStoreOptions, storeConfig, type StoreFlags } from './store-flags.js'
import { printJson, printLine } from './output.js'
import { exitOnUsageError, run, UsageError } from './run.js'

interface RotateFlags extends StoreFlags {
  json?: boolean
}

export function registerAdminCommands(program: Command): void {
  addCommandGroup(program, 'admin', {
    description: 'the admin token, on the database itself (no server or token needed)',
    examples: '\nExample:\n  registrar admin rotate-token --database ./data/registrar.db',
    subcommands: [addRotateToken],
  })
}

function addRotateToken(admin: Command): void {
  addStoreOptions(exitOnUsageError(admin.command('rotate-token')))
    .description(
      'replace the admin token: prints a new one once and stores only its hash; the old one stops working at once, also in running servers (and recovers a lost token)',
    )
    .option('--json', 'print {"adminToken": ...} instead of the bare token')
    .addHelpText(
      'after',
      '\nExamples:\n  registrar admin rotate-token --database ./data/registrar.db\n  REGISTRAR_ADMIN_TOKEN=$(registrar admin rotate-token --database postgres://db/registrar) registrar service list',
    )
    .action(
      run(async (flags: RotateFlags) => {
        const database = await databaseOf(flags)
        const [{ openStore }, { createEngine }] = await Promise.all([
          import('../store/index.js'),
          import('../engine/index.js'),
        ])
        const store = await openStore(database.url, { secretKeys: database.secretKeys })
        try {
          const engine = createEngine({ store, baseUrl: 'http://127.0.0.1' })
          const token = await engine.rotateAdminToken()
          if (flags.json) printJson({ adminToken: token })
          else printLine(token)
        } finally {
          await store.close()
        }
        process.stderr.write(
          'registrar: the new admin token is printed once (only its hash is stored); the old one no longer works.\n',
        )
        if (process.env['REGISTRAR_ADMIN_TOKEN']) {
          process.stderr.write(
            'registrar: REGISTRAR_ADMIN_TOKEN is set here: a server started with it stores its hash again, and this token stops working. Change or unset it where the server runs.\n',
          )
        }
      }),
    )
}

/** The database to open, as serve would find it; a SQLite file that is not there is a usage error. */
async function databaseOf(flags: RotateFlags) {
  // The admin token of this environment plays no part in rotating the stored one.
  const config = await storeConfig(flags, { ...process.env, REGISTRAR_ADMIN_TOKEN: undefined })
  const url = config.database
  if (/^(sqlite:)?:memory:$/i.test(url)) {
    throw new UsageError(
      'an in-memory database has no admin token to rotate',
      'Pass --database PATH.',
    )
  }
  const file = url.replace(/^sqlite:/i, '')
  if (!/^postgres(ql)?:\/\//i.test(url) && !existsSync(file)) {
    throw new UsageError(
      `no database at ${file}`,
      'Pass --database with the path or URL the server runs with (its --database or DATABASE_URL).',
    )
  }
  return { url, secretKeys: config.secretKeys }
}

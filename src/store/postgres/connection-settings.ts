/**
 * What a `postgres://` URL and the pool settings mean to the pg driver, with libpq's
 * meanings where pg's differ (https://www.postgresql.org/docs/current/libpq-connect.html):
 *
 * - `sslmode`: `disable` (the default here: libpq's `prefer` would fall back to plain text,
 *   which pg cannot do), `require` (encrypted; with `sslrootcert` the certificate is also
 *   checked against that CA, as libpq does), `verify-ca` (a CA file is required), and
 *   `verify-full` (the chain, against `sslrootcert` or Node's CAs, and the host name). pg
 *   alone would treat `require` as `verify-full` and warn about it on every start.
 * - `schema`, of ours: the one schema Registrar's tables live in, created by the first
 *   start when missing (a role that owns that schema needs no right on `public`).
 * - the password: the URL's, else the password file's (`passwordFile`, a Docker or
 *   Kubernetes secret holding the password alone), else pg's own defaults: PGPASSWORD,
 *   then the passfile (~/.pgpass, PGPASSFILE).
 *
 * Nothing here puts the URL or the password in an error message.
 */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import type pg from 'pg'

export interface PostgresConnectionSettings {
  /** Connections in the pool. @default 10 */
  maxConnections?: number
  /** How long opening a connection may take. @default 10 seconds */
  connectTimeoutMilliseconds?: number
  /** The password, when the URL has none (read from a file by the caller). */
  password?: string
}

const DEFAULT_CONNECT_TIMEOUT_MILLISECONDS = 10_000

/** The unquoted identifiers PostgreSQL keeps as written: `search_path` needs no quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** libpq's modes pg can honour; `allow` and `prefer` fall back to plain text, pg cannot. */
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const
type SslMode = (typeof SSL_MODES)[number]

/** The URL parameters read here, not passed on to pg. */
const OWN_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'schema']

export class PostgresUrlError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PostgresUrlError'
  }
}

/** The pool configuration of `url`, and the schema it names (if any). */
export function poolConfigOf(
  url: string,
  settings: PostgresConnectionSettings = {},
): { config: pg.PoolConfig; schema?: string } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new PostgresUrlError('the database URL is not a valid postgres:// URL')
  }
  const parameters = parsed.searchParams
  const schema = schemaOf(parameters.get('schema'), parameters.get('options'))
  const ssl = sslOf(parameters)
  for (const name of OWN_PARAMETERS) parameters.delete(name)
  if (schema !== undefined) parameters.set('options', `-c search_path=${schema}`)
  // A URL without a user connects as the OS user, as psql does, even where USER is unset.
  if (!parsed.username && parsed.hostname) parsed.username = userInfo().username
  // pg lets the connection string's (empty) password override one given beside it.
  if (!parsed.password && settings.password !== undefined) {
    parsed.password = encodeURIComponent(settings.password)
  }
  return {
    config: {
      connectionString: parsed.toString(),
      ssl,
      max: settings.maxConnections ?? 10,
      connectionTimeoutMillis:
        settings.connectTimeoutMilliseconds ?? DEFAULT_CONNECT_TIMEOUT_MILLISECONDS,
    },
    schema,
  }
}

function schemaOf(schema: string | null, options: string | null): string | undefined {
  if (schema === null) return undefined
  if (!SCHEMA_NAME.test(schema)) {
    throw new PostgresUrlError(
      `the database URL's schema ${JSON.stringify(schema)} is not a lower-case name ` +
        '(letters, digits and _, not starting with a digit)',
    )
  }
  if (options !== null) {
    throw new PostgresUrlError(
      "the database URL gives both schema and options: give the schema alone (it sets the connection's search_path)",
    )
  }
  return schema
}

/** TLS as libpq's `sslmode` means it (this file's comment); false for none. */
function sslOf(parameters: URLSearchParams): pg.PoolConfig['ssl'] {
  if (parameters.has('ssl')) {
    throw new PostgresUrlError('the database URL gives ssl: use sslmode (require or verify-full)')
  }
  const mode = parameters.get('sslmode') ?? 'disable'
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new PostgresUrlError(
      `sslmode=${mode} is not supported: use ${SSL_MODES.join(', ')} (allow and prefer would fall back to an unencrypted connection)`,
    )
  }
  if (mode === 'disable') return false
  const ca = readPem(parameters, 'sslrootcert')
  const cert = readPem(parameters, 'sslcert')
  const key = readPem(parameters, 'sslkey')
  const tls = { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) }
  switch (mode as Exclude<SslMode, 'disable'>) {
    case 'require':
      return ca
        ? { ...tls, checkServerIdentity: () => undefined }
        : { ...tls, rejectUnauthorized: false }
    case 'verify-ca':
      if (!ca)
        throw new PostgresUrlError('sslmode=verify-ca needs the CA file: add sslrootcert=PATH')
      return { ...tls, checkServerIdentity: () => undefined }
    case 'verify-full':
      return tls
  }
}

/** The PEM file a URL parameter names, read now: a missing one is named, not the URL. */
function readPem(parameters: URLSearchParams, name: string): string | undefined {
  const path = parameters.get(name)
  if (path === null) return undefined
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new PostgresUrlError(
      `cannot read the database URL's ${name} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
}

/** pg's messages for a missing password and a server without TLS, said in our terms. */
export function explainConnectError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : ''
  if (/client password must be a string/.test(message)) {
    return new Error(
      'the PostgreSQL server asks for a password and none was given: put it in the URL, ' +
        'in the password file (REGISTRAR_DATABASE_PASSWORD_FILE), in PGPASSWORD or in ~/.pgpass',
      { cause: error },
    )
  }
  if (/server does not support SSL/.test(message)) {
    return new Error(`${message}: the URL's sslmode asks for TLS`, { cause: error })
  }
  return error
}

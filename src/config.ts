/**
 * Server configuration: one frozen set of defaults, and loadConfig(flags, env) which takes
 * each value from its flag, else its environment variable, else the default (CONTRACT.md,
 * "The server"). It validates once, at start; a bad value is a ConfigError naming both
 * the flag and the variable. Imported by src/cli only.
 */

export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080, // TCP port; 0 picks a free one
  database: './data/registrar.db', // SQLite file, relative to the working directory
  logLevel: 'info', // pino level
  bodyLimit: 65_536, // bytes
})

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export interface Config {
  host: string
  /** 0 = any free port. */
  port: number
  /** SQLite path, `sqlite:PATH`, `:memory:` or a `postgres://` URL. */
  database: string
  /** Public base URL without a trailing slash; undefined = `http://HOST:PORT` once listening. */
  baseUrl?: string
  /** REGISTRAR_ADMIN_TOKEN; undefined = the stored one, or one generated on first start. */
  adminToken?: string
  logLevel: (typeof LOG_LEVELS)[number]
  /** Bytes. */
  bodyLimit: number
}

/** The flags of `registrar serve`, as the command line gave them (strings). */
export interface ServeFlags {
  host?: string
  port?: string
  database?: string
  baseUrl?: string
  logLevel?: string
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/** Flag over environment over default; an empty value counts as unset. */
function pick(flag: string | undefined, env: string | undefined): string | undefined {
  if (flag !== undefined && flag !== '') return flag
  return env !== undefined && env !== '' ? env : undefined
}

function invalid(flag: string, variable: string, value: string, expected: string): ConfigError {
  return new ConfigError(
    `invalid ${flag} / ${variable}: ${JSON.stringify(value)} is not ${expected}`,
  )
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.port
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN
  if (!(port >= 0 && port <= 65535))
    throw invalid('--port', 'PORT', value, 'a port number (0-65535)')
  return port
}

function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid('--base-url', 'REGISTRAR_BASE_URL', value, 'an absolute http(s) URL')
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw invalid(
      '--base-url',
      'REGISTRAR_BASE_URL',
      value,
      'an http(s) URL without query or fragment',
    )
  }
  return value.replace(/\/+$/, '')
}

function parseLogLevel(value: string | undefined): Config['logLevel'] {
  if (value === undefined) return DEFAULTS.logLevel as Config['logLevel']
  const level = value.toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw invalid('--log-level', 'LOG_LEVEL', value, `one of ${LOG_LEVELS.join(', ')}`)
  }
  return level as Config['logLevel']
}

function parseHost(value: string | undefined): string {
  if (value === undefined) return DEFAULTS.host
  if (/[\s/]/.test(value)) throw invalid('--host', 'HOST', value, 'a host name or IP address')
  return value
}

export function loadConfig(flags: ServeFlags, env: Env): Config {
  return Object.freeze({
    host: parseHost(pick(flags.host, env['HOST'])),
    port: parsePort(pick(flags.port, env['PORT'])),
    database: pick(flags.database, env['DATABASE_URL']) ?? DEFAULTS.database,
    baseUrl: parseBaseUrl(pick(flags.baseUrl, env['REGISTRAR_BASE_URL'])),
    adminToken: pick(undefined, env['REGISTRAR_ADMIN_TOKEN']),
    logLevel: parseLogLevel(pick(flags.logLevel, env['LOG_LEVEL'])),
    bodyLimit: DEFAULTS.bodyLimit,
  })
}

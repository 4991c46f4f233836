/**
 * `registrar serve`: the composition root. Reads the configuration, loads the metrics
 * unless they are off, opens the store (and, with REDIS_URL, the shared rate limit buckets),
 * creates the engine, makes sure an admin token exists, builds the server, listens, sweeps
 * expired clients once a minute, reaps idle clients and purges deleted ones every ten
 * minutes (client-lifecycle-sweep.ts), seals the audit chain (audit-sealer.ts) and delivers
 * webhooks from the outbox (webhook-dispatcher.ts). SIGTERM and SIGINT stop accepting, let
 * requests in flight finish (http/connection-drain.ts), stop those jobs (webhook posts in
 * flight finish, the last events are sealed), close the store, flush the log and exit 0;
 * past the grace period the connections left are cut, the store is closed and the exit
 * code is 1.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Command } from 'commander'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { destination } from 'pino'
import type { Config, ServeFlags } from '../config.js'
import type { RateLimiter, RateLimitMode, Store } from '../engine/index.js'
import type { ServerMetrics, MetricsAccess } from '../http/index.js'
import type { KyselyStore } from '../store/index.js'
import { startAuditSealer } from './audit-sealer.js'
import { packageVersion } from './package-version.js'
import { startExpiredClientSweep } from './expired-client-sweep.js'
import { startClientLifecycleSweep } from './client-lifecycle-sweep.js'
import type { PeriodicJob } from './periodic.js'
import { exitOnUsageError } from './run.js'
import { startWebhookDispatcher } from './webhook-dispatcher.js'

export function registerServe(program: Command): void {
  exitOnUsageError(program.command('serve'))
    .description('run the registration server')
    .option('--host <host>', 'address to bind (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port, 0 picks a free one (env PORT, default 8080)')
    .option(
      '--database <url>',
      'SQLite path, sqlite:PATH, :memory: or postgres://... (env DATABASE_URL, default ./data/registrar.db)',
    )
    .option(
      '--database-pool-size <count>',
      'PostgreSQL connections this node keeps open at most (env REGISTRAR_DATABASE_POOL_SIZE, default 10)',
    )
    .option(
      '--database-connect-timeout <seconds>',
      'time to open a PostgreSQL connection (env REGISTRAR_DATABASE_CONNECT_TIMEOUT, default 10)',
    )
    .option(
      '--database-password-file <path>',
      'file holding the PostgreSQL password, for a URL without one (env REGISTRAR_DATABASE_PASSWORD_FILE; PGPASSWORD and ~/.pgpass work too)',
    )
    .option(
      '--base-url <url>',
      'public base URL (env REGISTRAR_BASE_URL, default http://HOST:PORT)',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace or silent (env LOG_LEVEL, default info)',
    )
    .option(
      '--request-timeout <seconds>',
      'time a client has to send a whole request (env REGISTRAR_REQUEST_TIMEOUT, default 30)',
    )
    .option(
      '--headers-timeout <seconds>',
      "time a client has to send a request's headers (env REGISTRAR_HEADERS_TIMEOUT, default 10)",
    )
    .option(
      '--keep-alive-timeout <seconds>',
      'how long an idle connection stays open (env REGISTRAR_KEEP_ALIVE_TIMEOUT, default 5)',
    )
    .option(
      '--max-connections <count>',
      'open connections at once (env REGISTRAR_MAX_CONNECTIONS, default 10000)',
    )
    .option(
      '--shutdown-grace <seconds>',
      'time requests in flight have to finish on SIGTERM (env REGISTRAR_SHUTDOWN_GRACE, default 10)',
    )
    .option(
      '--idempotency-window <seconds>',
      "how long a registration's Idempotency-Key is remembered (env REGISTRAR_IDEMPOTENCY_WINDOW, default 86400)",
    )
    .option(
      '--trust-proxy <list>',
      'comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed (env REGISTRAR_TRUST_PROXY, default none)',
    )
    .option(
      '--redis-url <url>',
      'Redis shared by every node for rate limit buckets (env REDIS_URL, default none: per node)',
    )
    .option(
      '--rate-limit-ipv4-prefix <bits>',
      'IPv4 prefix length of one client network for rate limits (env REGISTRAR_RATE_LIMIT_IPV4_PREFIX, default 24)',
    )
    .option(
      '--rate-limit-ipv6-prefix <bits>',
      'IPv6 prefix length of one client network for rate limits (env REGISTRAR_RATE_LIMIT_IPV6_PREFIX, default 56)',
    )
    .option(
      '--webhook-attempts <count>',
      'attempts before a webhook delivery is given up (env REGISTRAR_WEBHOOK_ATTEMPTS, default 20)',
    )
    .option(
      '--webhook-retry-base <seconds>',
      'wait after a failed webhook delivery, doubled per failure up to an hour (env REGISTRAR_WEBHOOK_RETRY_BASE, default 1)',
    )
    .option(
      '--webhook-timeout <seconds>',
      'time a webhook receiver has to answer (env REGISTRAR_WEBHOOK_TIMEOUT, default 10)',
    )
    .option(
      '--cimd-allow-private',
      'let fetches of what clients name (Client ID Metadata Documents, jwks_uri) reach private and loopback addresses: for tests and private networks only (env REGISTRAR_CIMD_ALLOW_PRIVATE=1)',
    )
    .option(
      '--audit <on|off>',
      'keep the audit history of clients (env REGISTRAR_AUDIT, default on)',
    )
    .option(
      '--audit-retention <days>',
      'days audit events are kept (env REGISTRAR_AUDIT_RETENTION, default 0: for ever)',
    )
    .option(
      '--secret-key-file <path>',
      'file holding the keys client secrets are sealed with, id:base64key[,...], first seals; or env REGISTRAR_SECRET_KEYS (env REGISTRAR_SECRET_KEY_FILE, default for SQLite DATABASE.key, created on first start; PostgreSQL needs one)',
    )
    .option(
      '--metrics <access>',
      'who may read GET /metrics: admin (the admin token), public or off (env REGISTRAR_METRICS, default admin)',
    )
    .addHelpText(
      'after',
      `
The admin token: REGISTRAR_ADMIN_TOKEN (32 characters or more), stored hashed at each start
in place of the stored one; unset, the stored one is kept, or one is generated on the first
start and printed once. "registrar admin rotate-token" replaces it.

Examples:
  registrar serve --port 8080 --database ./data/registrar.db
  REGISTRAR_ADMIN_TOKEN=$(openssl rand -hex 32) registrar serve --base-url https://dcr.example.com
  DATABASE_URL=postgres://registrar@db/registrar registrar serve --host 0.0.0.0`,
    )
    .action((flags: ServeFlags) => serve(flags))
}

/** The buffered stream log lines go to (pino's SonicBoom on stderr). */
type LogStream = ReturnType<typeof destination>

/** Past the grace period, how long the store has left to close. */
const STORE_CLOSE_AFTER_GRACE_MILLISECONDS = 5_000
/** How long the last log lines have to reach stderr before exit (the rest: flushSync). */
const LOG_FLUSH_MILLISECONDS = 1_000

/** Waits for `promise`, or for `milliseconds`, whichever comes first. */
async function within(milliseconds: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    promise,
    new Promise((resolve) => (timer = setTimeout(resolve, milliseconds))),
  ])
  clearTimeout(timer)
}

function fail(message: string, exitCode: number): never {
  process.stderr.write(`registrar: ${message}\n`)
  process.exit(exitCode)
}

/** Addresses that bind every interface: a URL naming one reaches no server. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::'])

/** `http://HOST:PORT`, with brackets around an IPv6 literal. */
function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** The OpenAPI document `npm run build` generated (dist/openapi.json), read on first use. */
function prebuiltOpenApi() {
  let path: string
  try {
    path = createRequire(import.meta.url).resolve('registrar/openapi.json')
  } catch {
    return undefined
  }
  return async () => JSON.parse(await readFile(path, 'utf8'))
}

async function serve(flags: ServeFlags): Promise<void> {
  const [
    { loadConfig, ConfigError },
    { openStore },
    { createEngine },
    { buildServer, createMetrics },
  ] = await Promise.all([
    import('../config.js'),
    import('../store/index.js'),
    import('../engine/index.js'),
    import('../http/index.js'),
  ])
  let config: Config
  try {
    config = loadConfig(flags, process.env)
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2)
    throw error
  }

  const metrics =
    config.metrics === 'off' ? undefined : await openMetrics(config.metrics, createMetrics)
  let store: KyselyStore
  try {
    store = await openStore(config.database, {
      ...config.databaseConnection,
      onBatch: metrics?.onBatch,
      secretKeys: config.secretKeys,
      onKeyFileCreated: (path) =>
        process.stdout.write(
          `client secrets are sealed with a new key in ${path}: back it up with the database, which cannot be read without it\n`,
        ),
    })
  } catch (error) {
    fail(`cannot open the database: ${(error as Error).message}`, 1)
  }
  metrics?.watch(store)
  const rateLimits = await openRateLimiter(config)
  // With --port 0 the real port is known only once listening, before anyone can call.
  let port = config.port
  const engine = createEngine({
    store,
    baseUrl: () => config.baseUrl ?? urlOf(config.host, port),
    idempotencyWindowMilliseconds: config.idempotencyWindowMilliseconds,
    rateLimiter: rateLimits.limiter,
    networkPrefixLengths: config.networkPrefixLengths,
    webhooks: {
      ...config.webhookDelivery,
      // A lease far longer than an attempt: only a node that stopped loses its deliveries.
      leaseMilliseconds: Math.max(60_000, 6 * config.webhookDelivery.timeoutMilliseconds),
    },
    ...(config.audit && { audit: store.audit }),
    allowPrivateFetch: config.cimdAllowPrivate,
  })
  const admin = await engine.ensureAdminToken(config.adminToken)
  if (admin.generated) {
    process.stdout.write(`admin token (shown once, only its hash is stored): ${admin.generated}\n`)
  }

  const logStream = await openLogStream()
  const app = await buildServer({
    engine,
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, stream: logStream },
    bodyLimit: config.bodyLimit,
    limits: config,
    trustProxy: config.trustProxy,
    version: packageVersion(),
    openApiDocument: prebuiltOpenApi(),
    metrics: metrics?.served,
  })
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await rateLimits.close()
    await store.close()
    fail(`cannot listen on ${urlOf(config.host, config.port)}: ${(error as Error).message}`, 1)
  }
  const address = app.server.address()
  if (typeof address === 'object' && address) port = address.port
  if (config.baseUrl === undefined && WILDCARD_HOSTS.has(config.host)) {
    app.log.warn(
      `--host ${config.host} without --base-url: the URLs in answers (issuer, registration_endpoint, registration_client_uri) name ${urlOf(config.host, port)}, which no client can reach; set --base-url / REGISTRAR_BASE_URL to the public URL`,
    )
  }
  rateLimits.logTo(app.log)
  const sweep = startExpiredClientSweep(engine, app.log)
  const reaper = startClientLifecycleSweep(engine, app.log)
  const dispatcher = startWebhookDispatcher(engine, app.log)
  const sealer = startAuditSealer(store.audit, app.log, {
    retentionMilliseconds: config.auditRetentionMilliseconds,
  })

  stopOnSignals(
    app,
    store,
    rateLimits,
    [sweep, reaper, sealer, dispatcher],
    logStream,
    config.shutdownGraceMilliseconds,
  )
  process.stdout.write(`listening on ${urlOf(config.host, port)}\n`)
}

/** The server's metrics, and the store's parts of them. */
interface MetricsSetup {
  served: { collector: ServerMetrics; access: MetricsAccess }
  /** The store's onBatch. */
  onBatch(size: number, seconds: number): void
  /** Adds the gauges of what the store's database connection is busy with. */
  watch(store: KyselyStore): void
}

/** Loads prom-client (http/metrics.ts, store-metrics.ts): only when metrics are on. */
async function openMetrics(
  access: MetricsAccess,
  createMetrics: () => Promise<ServerMetrics>,
): Promise<MetricsSetup> {
  const [collector, { observeCommits, watchDatabaseUse }] = await Promise.all([
    createMetrics(),
    import('./store-metrics.js'),
  ])
  return {
    served: { collector, access },
    onBatch: observeCommits(collector.registry),
    watch: (store) => watchDatabaseUse(collector.registry, () => store.databaseUse()),
  }
}

/** Where rate limit buckets are kept, and how their changes of mode reach the log. */
interface RateLimitSetup {
  limiter?: RateLimiter
  /** Logs the changes of mode so far and from now on (none without REDIS_URL). */
  logTo(log: FastifyBaseLogger): void
  close(): Promise<void>
}

/**
 * With REDIS_URL, buckets shared through Redis, falling back to the node's own while it
 * does not answer; without, the engine's default (the node's own). A change of mode is one
 * log line: those before the server's logger exists wait for it.
 */
async function openRateLimiter(config: Config): Promise<RateLimitSetup> {
  const { redisUrl } = config
  if (redisUrl === undefined) return { logTo: () => {}, close: async () => {} }
  const { RedisBuckets } = await import('../store/index.js')
  const pending: [RateLimitMode, unknown][] = []
  let report = (mode: RateLimitMode, error: unknown) => void pending.push([mode, error])
  const limiter = await RedisBuckets.open({
    url: redisUrl,
    onModeChange: (mode, error) => report(mode, error),
  })
  return {
    limiter,
    logTo(log) {
      report = (mode, error) => {
        if (mode === 'redis') log.info('rate limit buckets are shared through Redis')
        else log.warn({ err: error }, 'Redis does not answer: rate limit buckets are per node')
      }
      for (const [mode, error] of pending.splice(0)) report(mode, error)
    },
    close: () => limiter.close(),
  }
}

/** The longest a log line waits in the buffer on a quiet server. */
const LOG_FLUSH_INTERVAL_MILLISECONDS = 1_000

/**
 * Log lines are written a few kilobytes at a time, not one blocking write per request,
 * but never wait more than a second (a quiet server's lines reach `docker logs` and
 * journald at once); warnings and errors go out at once (buildServer), and whatever is
 * buffered is flushed when the process stops.
 */
async function openLogStream(): Promise<LogStream> {
  const { default: pino } = await import('pino')
  const logStream = pino.destination({ dest: 2, minLength: 4096, sync: false })
  const flushing = setInterval(() => {
    try {
      logStream.flush()
    } catch {
      // Only a destroyed stream throws, at exit, when flushSync has written everything.
    }
  }, LOG_FLUSH_INTERVAL_MILLISECONDS)
  flushing.unref()
  process.once('exit', () => logStream.flushSync())
  return logStream
}

/**
 * SIGTERM and SIGINT drain the connections within `graceMilliseconds`, then close the
 * server and the store (the group commit's last batch is written before the connections
 * close), flush the log and exit: 0 when every request finished in time, else 1.
 */
function stopOnSignals(
  app: FastifyInstance,
  store: Store,
  rateLimits: RateLimitSetup,
  jobs: PeriodicJob[],
  logStream: LogStream,
  graceMilliseconds: number,
): void {
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const inTime = await app.drain.stop(graceMilliseconds)
    if (!inTime)
      app.log.error('requests still in flight at the end of the grace period were cut off')
    try {
      await app.close()
      for (const job of jobs) await job.stop()
      await rateLimits.close()
      await (inTime ? store.close() : within(STORE_CLOSE_AFTER_GRACE_MILLISECONDS, store.close()))
    } catch (error) {
      fail(`could not stop cleanly: ${(error as Error).message}`, 1)
    }
    await within(LOG_FLUSH_MILLISECONDS, new Promise((resolve) => logStream.flush(resolve)))
    process.exit(inTime ? 0 : 1)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

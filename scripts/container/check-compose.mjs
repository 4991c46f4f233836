// The compose file against the image and the settings the server reads.
import { parse as parseYaml } from 'yaml'

/** Settings that hold secrets: a compose file names them from .env, never literally. */
const SECRET_SETTINGS = [
  'POSTGRES_PASSWORD',
  'REGISTRAR_SECRET_KEYS',
  'REGISTRAR_ADMIN_TOKEN',
  'DATABASE_URL',
]

/**
 * The compose file's problems, pushed onto `problems`: the service built from this folder
 * sets only settings the server reads (`settings`), publishes the image's port, waits for a
 * healthy PostgreSQL that its DATABASE_URL names, and takes every secret from .env.
 */
export function checkCompose(text, image, settings, problems) {
  const compose = parseYaml(text)
  const services = compose?.services ?? {}
  const entry = Object.entries(services).find(([, service]) => {
    const context = typeof service.build === 'string' ? service.build : service.build?.context
    return context === '.' || context === './'
  })
  if (!entry) return problems.push('compose: no service builds this folder (build: .)')
  const [name, service] = entry
  const env = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((pair) => pair.split('=')))
    : (service.environment ?? {})

  for (const variable of Object.keys(env)) {
    if (!settings.has(variable))
      problems.push(`compose: ${name} sets ${variable}, which the server does not read`)
  }
  for (const [serviceName, other] of Object.entries(services)) {
    const otherEnv = other.environment ?? {}
    for (const variable of SECRET_SETTINGS) {
      const value = String(otherEnv[variable] ?? '')
      if (value !== '' && !/\$\{[A-Z0-9_]+/.test(value)) {
        problems.push(`compose: ${serviceName} has ${variable} written out: take it from .env`)
      }
    }
  }
  if (service.image && !service.image.endsWith(`:${image.version}`)) {
    problems.push(`compose: ${name}'s image ${service.image} is not tagged ${image.version}`)
  }

  const ports = (service.ports ?? []).map(
    (mapping) => String(mapping).split(':').at(-1).split('/')[0],
  )
  if (!ports.includes(image.port))
    problems.push(
      `compose: ${name} publishes ${ports.join(', ') || 'no port'}, but listens on ${image.port}`,
    )
  if (env.PORT !== undefined && String(env.PORT) !== image.port) {
    problems.push(`compose: ${name} sets PORT=${env.PORT}, but the image exposes ${image.port}`)
  }

  const database = String(env.DATABASE_URL ?? '')
  if (!/^postgres(ql)?:\/\//.test(database))
    return problems.push(`compose: ${name}'s DATABASE_URL is not PostgreSQL`)
  if (env.REGISTRAR_SECRET_KEYS === undefined && env.REGISTRAR_SECRET_KEY_FILE === undefined) {
    problems.push(
      `compose: ${name} on PostgreSQL needs REGISTRAR_SECRET_KEYS or REGISTRAR_SECRET_KEY_FILE`,
    )
  }
  // postgres://USER:PASSWORD@HOST:PORT/DB, the password possibly ${...}.
  const match = /^postgres(?:ql)?:\/\/([^:@/]+)(?::.*)?@([^:/]+)(?::(\d+))?\/([^?]+)/.exec(database)
  const [, user, host, dbPort = '5432', db] = match ?? []
  const postgres = services[host]
  if (!postgres)
    return problems.push(`compose: DATABASE_URL names host ${host}, which is no service`)
  const pgEnv = postgres.environment ?? {}
  if ((pgEnv.POSTGRES_USER ?? 'postgres') !== user)
    problems.push(`compose: DATABASE_URL's user ${user} is not POSTGRES_USER`)
  if ((pgEnv.POSTGRES_DB ?? pgEnv.POSTGRES_USER ?? 'postgres') !== db)
    problems.push(`compose: DATABASE_URL's database ${db} is not POSTGRES_DB`)
  if (dbPort !== '5432')
    problems.push(`compose: DATABASE_URL's port ${dbPort} is not PostgreSQL's 5432`)
  if (pgEnv.POSTGRES_PASSWORD === undefined)
    problems.push(`compose: ${host} has no POSTGRES_PASSWORD`)
  if (!postgres.healthcheck?.test) problems.push(`compose: ${host} has no healthcheck`)
  const dependsOn = service.depends_on ?? {}
  if (Array.isArray(dependsOn) || dependsOn[host]?.condition !== 'service_healthy') {
    problems.push(`compose: ${name} must depend on ${host} with condition service_healthy`)
  }
}

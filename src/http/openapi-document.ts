/**
 * What @fastify/swagger's document gets before it is served: a description for every
 * response status, declared once here rather than on every route; each titled schema
 * moved to `components.schemas` and referenced, so a schema used by many routes is
 * written (and read) once; and a relative server.
 */

/** What each status means on this server, whatever the route (OpenAPI 3.1 §4.8.17). */
export const RESPONSE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  200: 'Success: the body is described below.',
  201: 'Created: the client information response (RFC 7591 §3.2.1).',
  204: 'Done: no body.',
  400: 'The request is malformed or breaks a rule; the error body says which.',
  401: 'No bearer token, or one that is not valid (`invalid_token`, RFC 6750 §3.1); `WWW-Authenticate` says which.',
  403: 'The token is valid but does not reach this service or operation (`insufficient_scope`, RFC 6750 §3.1).',
  404: 'No such service, client or other resource named in the path.',
  409: 'A registration with the same `Idempotency-Key` is still in progress; retry later.',
  413: 'The request body is larger than the server accepts.',
  422: 'The `Idempotency-Key` was used before with another body or initial access token.',
  429: 'Too many requests, or too many wrong tokens, from this client; `Retry-After` says when to try again.',
  500: 'The server could not complete the call; the error body holds no internal detail.',
  503: 'The database does not answer, or the server is stopping.',
}

type Json = { [key: string]: unknown }
type Response = { description?: string; content?: Record<string, { schema?: Json }> }
type Document = {
  paths?: Record<string, Record<string, { responses?: Record<string, Response> }>>
  components?: { schemas?: Record<string, unknown> }
  servers?: { url: string }[]
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A response described only by its body's schema (or not at all, "Default Response") gets
 * its status's meaning; one the route describes itself keeps its own.
 */
function describeResponses(document: Document): void {
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const bodySchema = Object.values(response.content ?? {})[0]?.schema
        const own = response.description
        if (own && own !== 'Default Response' && own !== bodySchema?.description) continue
        const meaning = RESPONSE_DESCRIPTIONS[status]
        if (meaning === undefined) {
          throw new Error(`no description for status ${status} (${method} ${path})`)
        }
        response.description = meaning
      }
    }
  }
}

/** Replaces every titled schema below `node` by a reference to its component. */
function hoistTitled(node: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => hoistTitled(item, components))
  if (!isObject(node)) return node
  const copy: Json = {}
  for (const [key, value] of Object.entries(node)) copy[key] = hoistTitled(value, components)
  const title = copy.title
  // A `properties` map may name a member `title`; only a string title names a schema.
  if (typeof title !== 'string' || !('type' in copy || 'anyOf' in copy)) return copy
  const known = components[title]
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(copy)) {
    throw new Error(`two different schemas are titled ${title}`)
  }
  components[title] = copy
  return { $ref: `#/components/schemas/${title}` }
}

/** The document as served: see the module comment. */
export function finishOpenApiDocument<D extends object>(generated: D): D {
  const document = generated as Document
  describeResponses(document)
  const schemas: Record<string, unknown> = { ...document.components?.schemas }
  document.paths = hoistTitled(document.paths, schemas) as Document['paths']
  document.components = {
    ...document.components,
    schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
  }
  // No host: the paths are below the root of the host the document was fetched from.
  document.servers = [{ url: '/' }]
  return generated
}

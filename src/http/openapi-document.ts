/**
 * What @fastify/swagger's document gets before it is served: a description for every
 * response status, declared once here rather than on every route; each titled schema
 * moved to `components.schemas` and referenced, so a schema used by many routes is
 * written (and read) once; and a relative server.
 */
import { DESCRIBED_HERE } from '../wire/index.js'

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

/** A titled schema seen while hoisting: its shape, and its own description. */
type Titled = { shape: Json; description?: string }

/**
 * Replaces every titled schema below `node` by a reference that keeps its description, and
 * records the description of the schema itself: the one of a use not marked DESCRIBED_HERE.
 */
function hoistTitled(node: unknown, found: Map<string, Titled>): unknown {
  if (Array.isArray(node)) return node.map((item) => hoistTitled(item, found))
  if (!isObject(node)) return node
  const copy: Json = {}
  for (const [key, value] of Object.entries(node)) {
    if (key !== DESCRIBED_HERE) copy[key] = hoistTitled(value, found)
  }
  const { title, description, ...shape } = copy
  // A `properties` map may name a member `title`; only a string title names a schema.
  if (typeof title !== 'string') return copy
  const seen = found.get(title) ?? { shape: { title, ...shape } }
  if (JSON.stringify(seen.shape) !== JSON.stringify({ title, ...shape })) {
    throw new Error(`two different schemas are titled ${title}`)
  }
  if (node[DESCRIBED_HERE] !== true) seen.description ??= description as string | undefined
  found.set(title, seen)
  return { $ref: `#/components/schemas/${title}`, description }
}

/** Drops each reference's description where it is its component's own. */
function dropOwnDescriptions(node: unknown, components: Record<string, Json>): void {
  if (Array.isArray(node)) return node.forEach((item) => dropOwnDescriptions(item, components))
  if (!isObject(node)) return
  const target = typeof node.$ref === 'string' ? components[node.$ref.split('/').pop()!] : undefined
  if (target && node.description === target.description) delete node.description
  for (const value of Object.values(node)) dropOwnDescriptions(value, components)
}

/**
 * Moves every titled schema to `components.schemas`; a use that describes it its own way
 * keeps its description beside the reference (OpenAPI 3.1 §4.8.23).
 */
function hoistComponents(document: Document): void {
  const found = new Map<string, Titled>()
  document.paths = hoistTitled(document.paths, found) as Document['paths']
  const schemas = { ...document.components?.schemas } as Record<string, Json>
  for (const [title, { shape, description }] of found) {
    schemas[title] = description === undefined ? shape : { ...shape, description }
  }
  dropOwnDescriptions(document.paths, schemas)
  dropOwnDescriptions(schemas, schemas)
  document.components = {
    ...document.components,
    schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
  }
}

/** The document as served: see the module comment. */
export function finishOpenApiDocument<D extends object>(generated: D): D {
  const document = generated as Document
  describeResponses(document)
  hoistComponents(document)
  // No host: the paths are below the root of the host the document was fetched from.
  document.servers = [{ url: '/' }]
  return generated
}

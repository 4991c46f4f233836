/**
 * The API reference page, rendered once on the server from the OpenAPI document: every
 * operation by tag, its parameters, body and responses, and every shared schema, each
 * folded in a `<details>` element. No script and nothing fetched: the page works offline
 * and under a Content-Security-Policy that allows only its own style. Every link is
 * relative, so the page works behind a proxy that serves the API under a path prefix.
 */
import { createHash } from 'node:crypto'
import { escapeHtml, renderMarkdown } from './markdown.js'

type Schema = {
  $ref?: string
  title?: string
  type?: string | string[]
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  format?: string
  additionalProperties?: boolean | Schema
}
type Parameter = { name: string; in: string; required?: boolean; description?: string }
type Operation = {
  operationId?: string
  tags?: string[]
  summary?: string
  description?: string
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: Schema }> }
  >
}
export type OpenApiDocument = {
  info?: { title?: string; version?: string; description?: string }
  paths?: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222}
section.op{border-top:1px solid #ddd;padding:.4rem 0}h3{margin:.4rem 0}.m{font-weight:bold;color:#05a;margin-right:.4rem}
code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}table{border-collapse:collapse;width:100%;margin:.3rem 0;table-layout:fixed}
td,th{border-top:1px solid #eee;padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}th:first-child,td:first-child{width:12rem}th.t,td.t{width:12rem}table.r td:first-child{width:4rem}td p,dd p{margin:0}
details{margin:.2rem 0 .2rem .4rem}summary{cursor:pointer}.t{color:#666}nav li{margin:0}`

/** The page's Content-Security-Policy: its own inline style and nothing else. */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const refName = (ref: string) => ref.split('/').pop() ?? ref

/** A short type label: `string`, `array of Client`, `"a" | "b"`. */
function typeOf(schema: Schema): string {
  if (schema.$ref) {
    const name = escapeHtml(refName(schema.$ref))
    return `<a href="#schema-${name}">${name}</a>`
  }
  if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`
  if (schema.enum)
    return schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(' | ')
  const variants = schema.anyOf ?? schema.oneOf
  if (variants) return variants.map(typeOf).join(' | ')
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any')
  return escapeHtml(schema.format ? `${type} (${schema.format})` : type)
}

/** An object's members as a table; a member that is itself an object folds below its row. */
function renderMembers(schema: Schema): string {
  const required = new Set(schema.required ?? [])
  const rows = Object.entries(schema.properties ?? {}).map(([name, member]) => {
    const nested = (member.properties ?? member.items?.properties) ? renderSchema(member) : ''
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' (required)' : ''}</td><td class="t">${typeOf(member)}</td><td>${renderMarkdown(member.description)}${nested}</td></tr>`
  })
  return rows.length
    ? `<table><tr><th>Member</th><th class="t">Type</th><th>Description</th></tr>${rows.join('')}</table>`
    : ''
}

/** A schema folded: its type as the summary, its members when unfolded. */
function renderSchema(schema: Schema, label = typeOf(schema)): string {
  if (schema.$ref) return `<p>${label}</p>${renderMarkdown(schema.description)}`
  const object = schema.properties ? schema : schema.items?.properties ? schema.items : undefined
  if (!object) return `<p>${label}</p>`
  const more = object.additionalProperties === false ? '' : '<p>Further members are allowed.</p>'
  return `<details><summary>${label}</summary>${renderMarkdown(schema.description)}${renderMembers(object)}${more}</details>`
}

const bodySchema = (content?: Record<string, { schema?: Schema }>) =>
  Object.values(content ?? {})[0]?.schema

function renderOperation(method: string, path: string, operation: Operation): string {
  const id = escapeHtml(operation.operationId ?? `${method}-${path}`)
  const parameters = (operation.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' (required)' : ''}</td><td class="t">${escapeHtml(p.in)}</td><td>${renderMarkdown(p.description)}</td></tr>`,
  )
  const body = bodySchema(operation.requestBody?.content)
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const schema = bodySchema(response.content)
    return `<tr><td><code>${escapeHtml(status)}</code></td><td>${renderMarkdown(response.description)}${schema ? renderSchema(schema) : ''}</td></tr>`
  })
  return `<section class="op" id="${id}"><h3><span class="m">${escapeHtml(method.toUpperCase())}</span><code>${escapeHtml(path)}</code></h3>
<p><strong>${escapeHtml(operation.summary ?? '')}</strong> <span class="t">operationId <code>${id}</code></span></p>${renderMarkdown(operation.description)}
${parameters.length ? `<h4>Parameters</h4><table>${parameters.join('')}</table>` : ''}
${body ? `<h4>Request body</h4>${renderSchema(body)}` : ''}
<h4>Responses</h4><table class="r">${responses.join('')}</table></section>`
}

/** The whole page: see the module comment. */
export function renderDocsPage(document: OpenApiDocument): string {
  const groups = new Map<string, { id: string; html: string; summary: string }[]>()
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = operation.tags?.[0] ?? 'Other'
      const entry = {
        id: escapeHtml(operation.operationId ?? `${method}-${path}`),
        summary: `<span class="m">${escapeHtml(method.toUpperCase())}</span><code>${escapeHtml(path)}</code>`,
        html: renderOperation(method, path, operation),
      }
      groups.set(tag, [...(groups.get(tag) ?? []), entry])
    }
  }
  const nav = [...groups]
    .map(
      ([tag, ops]) =>
        `<li>${escapeHtml(tag)}<ul>${ops.map((op) => `<li><a href="#${op.id}">${op.summary}</a></li>`).join('')}</ul></li>`,
    )
    .join('')
  const sections = [...groups]
    .map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.map((op) => op.html).join('\n')}`)
    .join('\n')
  const schemas = Object.entries(document.components?.schemas ?? {})
    .map(([name, schema]) => {
      const id = escapeHtml(name)
      return `<details class="schema" id="schema-${id}"><summary><strong>${id}</strong></summary>${renderMarkdown(schema.description)}${renderMembers(schema)}</details>`
    })
    .join('\n')
  const title = escapeHtml(document.info?.title ?? 'API')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} API reference</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${title} ${escapeHtml(document.info?.version ?? '')}</h1>${renderMarkdown(document.info?.description)}
<p>The machine-readable document: <a id="openapi-document" href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<nav><h2>Operations</h2><ul>${nav}</ul><p><a href="#schemas">Schemas</a></p></nav>
${sections}
<h2 id="schemas">Schemas</h2>${schemas}</body></html>`
}

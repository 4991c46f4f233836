/**
 * The little Markdown the OpenAPI descriptions use (CommonMark's code spans, links,
 * emphasis, paragraphs and `-` lists), rendered to HTML for the docs page. Everything else
 * is text: every character of the source is escaped, and a link only keeps an http(s),
 * mailto, relative or fragment target, so no description can add markup or script.
 */

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Targets a link may keep: no `javascript:` or `data:` URL can be clicked. */
const SAFE_TARGET = /^(https?:|mailto:|#|\.{0,2}\/|[A-Za-z0-9._-]+(\/|$|#|\?))/i

function inline(text: string): string {
  // Code spans first: their content is shown as is, with no emphasis or link inside.
  return text
    .split(/(`[^`]+`)/)
    .map((part, i) => {
      if (i % 2 === 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`
      return escapeHtml(part)
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, target: string) =>
          SAFE_TARGET.test(target) ? `<a href="${target}">${label}</a>` : whole,
        )
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
    })
    .join('')
}

/** Blocks: paragraphs split by blank lines, and lists of lines that start with `- `. */
export function renderMarkdown(source: string | undefined): string {
  if (!source?.trim()) return ''
  return source
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n')
      if (lines.every((line) => /^\s*- /.test(line))) {
        return `<ul>${lines.map((line) => `<li>${inline(line.replace(/^\s*- /, ''))}</li>`).join('')}</ul>`
      }
      return `<p>${inline(block)}</p>`
    })
    .join('')
}

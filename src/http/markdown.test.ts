import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderMarkdown } from './markdown.js'

test('code spans, links and emphasis render as HTML, everything else as text', () => {
  assert.equal(
    renderMarkdown(
      'Send `Authorization: Bearer <token>`; see [the document](openapi.json), **once**.',
    ),
    '<p>Send <code>Authorization: Bearer &#60;token&#62;</code>; see <a href="openapi.json">the document</a>, <strong>once</strong>.</p>',
  )
})

test('a description can add no markup: tags are escaped, inside code spans too', () => {
  const html = renderMarkdown('<script>alert(1)</script> `<img src=x onerror=alert(1)>`')
  assert.doesNotMatch(html, /<script|<img/)
  assert.match(html, /&#60;script&#62;/)
})

test('a link keeps only an http(s), mailto, relative or fragment target', () => {
  assert.match(renderMarkdown('[rfc](https://www.rfc-editor.org/rfc/rfc7591)'), /<a href="https:/)
  assert.match(renderMarkdown('[here](#schema-Service)'), /<a href="#schema-Service">/)
  for (const target of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x']) {
    assert.doesNotMatch(renderMarkdown(`[x](${target})`), /<a /, target)
  }
})

test('blank lines part paragraphs, and lines that start with "- " make a list', () => {
  assert.equal(renderMarkdown('One.\n\nTwo.'), '<p>One.</p><p>Two.</p>')
  assert.equal(renderMarkdown('- `a`\n- b'), '<ul><li><code>a</code></li><li>b</li></ul>')
  assert.equal(renderMarkdown(undefined), '')
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { supportsClientIdMetadataDocuments } from './client-id-approach.js'

test('only client_id_metadata_document_supported: true advertises CIMD (draft §6: a boolean, absent is no)', () => {
  const issuer = 'https://as.example'
  assert.equal(
    supportsClientIdMetadataDocuments({ issuer, client_id_metadata_document_supported: true }),
    true,
  )
  for (const value of [false, 'true', 1, null, undefined]) {
    assert.equal(
      supportsClientIdMetadataDocuments({
        issuer,
        client_id_metadata_document_supported: value as never,
      }),
      false,
      String(value),
    )
  }
  assert.equal(supportsClientIdMetadataDocuments({ issuer }), false)
})

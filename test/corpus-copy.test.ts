/**
 * `registrar doctor` replays the copy of the real-client corpus the project ships
 * (corpus/real-clients.json); it must be the shared corpus the contract holds us to.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'

test('the shipped corpus is the shared real-client corpus, byte for byte', async () => {
  const [shipped, shared] = await Promise.all([
    readFile(new URL('../corpus/real-clients.json', import.meta.url), 'utf8'),
    readFile(new URL('../../shared/corpus/real-clients.json', import.meta.url), 'utf8'),
  ])
  assert.equal(shipped, shared, 'copy ../shared/corpus/real-clients.json to corpus/')
})

/**
 * The authorization server's secrets, kept in one JSON file (mode 0600) so they survive a
 * restart: the private JWK that signs access tokens (the MCP server verifies them with the
 * public half, from the provider's jwks_uri) and the keys that sign its cookies.
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

export interface ProviderKeys {
  /** Private signing keys, the provider's `jwks.keys`. */
  signing: JWK[]
  /** The provider's `cookies.keys`. */
  cookies: string[]
}

/**
 * ES256 signs the access tokens; RS256 is there for ID tokens, the default
 * id_token_signed_response_alg (OIDC DCR §2) of the clients Registrar registers.
 */
const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const

async function signingKeyFor(alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: randomBytes(8).toString('hex') }
}

/** The keys stored at `path`, or new ones written there when the file does not exist. */
export async function loadOrCreateKeys(path: string): Promise<ProviderKeys> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ProviderKeys
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const keys: ProviderKeys = {
    signing: await Promise.all(SIGNING_ALGORITHMS.map(signingKeyFor)),
    cookies: [randomBytes(32).toString('base64url')],
  }
  await writeFile(path, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' })
  return keys
}

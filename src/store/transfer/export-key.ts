/**
 * The key an export's secrets are encrypted with, read from the file the user gives: a
 * file holding 32 bytes in base64 (`openssl rand -base64 32`) is the key itself; any other
 * text is a passphrase, stretched by scrypt (RFC 7914) with a random salt that the
 * export's header carries. Each secret is encrypted with AES-256-GCM under a fresh random
 * 96-bit IV (NIST SP 800-38D §8.2.2), the record it belongs to as additional data, so a
 * value moved to another row fails to open. The header carries a check value, encrypted
 * the same way, so that a wrong key is refused before an import touches anything.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto'
import { readPrivateFile } from '../secret-keys.js'

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const PREFIX = 'x1.'
const MIN_PASSPHRASE = 16
/** scrypt's cost: about 100 ms and 32 MiB, once per export or import. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 }
const CHECK_TEXT = 'registrar export key check'

/** How the key is derived from the file, as the header records it. */
export type KeyDerivation =
  { kdf: 'none' } | { kdf: 'scrypt'; salt: string; N: number; r: number; p: number }

/** The header's `key` member. */
export interface ExportKeyHeader {
  derivation: KeyDerivation
  /** CHECK_TEXT encrypted under the key. */
  check: string
}

/** The export key is not the one the export was written with. */
export class WrongExportKeyError extends Error {
  constructor() {
    super(
      'the export key does not open this export: give the --export-key-file it was written with',
    )
    this.name = 'WrongExportKeyError'
  }
}

export interface ExportCipher {
  readonly header: ExportKeyHeader
  /** `secret` encrypted, bound to `owner` (the table, the column, the record's key). */
  encrypt(secret: string, owner: readonly unknown[]): string
  decrypt(value: string, owner: readonly unknown[]): string
}

/** The text of an export key file, refused when others may read it. */
export function readExportKeyFile(path: string): string {
  return readPrivateFile(path).trim()
}

/** A cipher for a new export under the key text (a fresh salt for a passphrase). */
export function exportCipher(keyText: string): ExportCipher {
  const raw = rawKey(keyText)
  if (raw) return cipherOf(raw, { derivation: { kdf: 'none' }, check: checkValue(raw) })
  const derivation = {
    kdf: 'scrypt' as const,
    salt: randomBytes(16).toString('base64url'),
    ...SCRYPT,
  }
  const key = derive(keyText, derivation)
  return cipherOf(key, { derivation, check: checkValue(key) })
}

/** The cipher of an existing export, or WrongExportKeyError when `keyText` is not its key. */
export function importCipher(keyText: string, header: ExportKeyHeader): ExportCipher {
  const { derivation } = header
  let key: Buffer | undefined
  if (derivation.kdf === 'none') key = rawKey(keyText)
  // A 32-byte key is never stretched: it cannot be the passphrase of this export.
  else if (derivation.kdf === 'scrypt')
    key = rawKey(keyText) ? undefined : derive(keyText, derivation)
  else throw new Error(`the export's key derivation is not one this version knows`)
  if (!key) throw new WrongExportKeyError()
  try {
    if (open(key, header.check, ['check']) !== CHECK_TEXT) throw new WrongExportKeyError()
  } catch {
    throw new WrongExportKeyError()
  }
  return cipherOf(key, header)
}

function checkValue(key: Buffer): string {
  return seal(key, CHECK_TEXT, ['check'])
}

function cipherOf(key: Buffer, header: ExportKeyHeader): ExportCipher {
  return {
    header,
    encrypt: (secret, owner) => seal(key, secret, owner),
    decrypt: (value, owner) => open(key, value, owner),
  }
}

/** The key itself when the text is 32 bytes in base64; undefined for a passphrase. */
function rawKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined
  const key = Buffer.from(text, 'base64')
  return key.length === KEY_BYTES ? key : undefined
}

function derive(passphrase: string, derivation: KeyDerivation & { kdf: 'scrypt' }): Buffer {
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new Error(
      `the export key file must hold 32 bytes in base64 or a passphrase of ${MIN_PASSPHRASE} characters or more`,
    )
  }
  const { N, r, p } = derivation
  if (N > 2 ** 20 || r > 16 || p > 4) throw new Error("the export's scrypt cost is out of range")
  return scryptSync(passphrase, Buffer.from(derivation.salt, 'base64url'), KEY_BYTES, {
    N,
    r,
    p,
    maxmem: 256 * N * r,
  })
}

function seal(key: Buffer, secret: string, owner: readonly unknown[]): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(JSON.stringify(owner)))
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()])
  return `${PREFIX}${iv.toString('base64url')}.${sealed.toString('base64url')}`
}

function open(key: Buffer, value: string, owner: readonly unknown[]): string {
  const [ivText = '', sealedText = '', extra] = value.startsWith(PREFIX)
    ? value.slice(PREFIX.length).split('.')
    : []
  const iv = Buffer.from(ivText, 'base64url')
  const sealed = Buffer.from(sealedText, 'base64url')
  if (extra !== undefined || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
    throw new Error(`the secret of ${JSON.stringify(owner)} is not a well-formed encrypted value`)
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(Buffer.from(JSON.stringify(owner)))
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  try {
    const opened = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES))
    return Buffer.concat([opened, decipher.final()]).toString('utf8')
  } catch {
    throw new Error(`the secret of ${JSON.stringify(owner)} does not open: altered or moved`)
  }
}

/**
 * Where the keyring that seals client secrets (secret-box.ts) comes from when the caller
 * gives none: a SQLite file keeps its key in a key file beside it, `<database>.key`, created
 * 0600 with a fresh random key on first start and read from then on; `:memory:` takes a
 * fresh key, as its rows die with the process. PostgreSQL gets no default: every node must
 * read every secret, so the key must be given to each (a key file per node would seal each
 * node's registrations under a key the others lack).
 *
 * A key file that group or others may read is refused, as ssh refuses such a private key:
 * a warning is easy to miss, and a key others can read undoes the sealing for anyone who
 * also gets a copy of the database (a backup, a dump).
 */
import { randomBytes } from 'node:crypto'
import { platform } from 'node:os'
import {
  closeSync,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { formatKeyring, newSecretKey, parseKeyring, type Keyring } from './secret-box.js'

/** Group and other permission bits. */
const SHARED_BITS = 0o077

/** The keyring text of a key file, refused when others may read it or it does not parse. */
export function readKeyFile(path: string): Keyring {
  const text = readPrivateFile(path)
  try {
    return parseKeyring(text)
  } catch (error) {
    throw new Error(`the key file ${path} is not a keyring: ${(error as Error).message}`)
  }
}

/** The text of a file holding a key, refused when group or others may read it. */
export function readPrivateFile(path: string): string {
  const descriptor = openSync(path, 'r')
  try {
    const { mode } = fstatSync(descriptor)
    if (platform() !== 'win32' && (mode & SHARED_BITS) !== 0) {
      throw new Error(
        `the key file ${path} may be read by others (mode ${(mode & 0o777).toString(8)}): ` +
          `make it 0600 (chmod 600 ${path})`,
      )
    }
    return readFileSync(descriptor, 'utf8')
  } finally {
    closeSync(descriptor)
  }
}

/** The key file of a SQLite database file. */
export function keyFileOf(databasePath: string): string {
  return `${databasePath}.key`
}

/**
 * The keyring of the database at `url` (a URL openStore takes): `given` when there is one,
 * else by the rules above, `onCreated` told of a key file it creates. Throws when
 * PostgreSQL has none.
 */
export function keyringFor(
  url: string,
  given: Keyring | undefined,
  onCreated: (keyFile: string) => void = () => {},
): Keyring {
  if (given) return given
  if (/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error(
      'PostgreSQL needs the key that seals client secrets, the same on every node: set ' +
        'REGISTRAR_SECRET_KEYS or --secret-key-file (REGISTRAR_SECRET_KEY_FILE)',
    )
  }
  const path = url.replace(/^sqlite:/i, '')
  if (path === ':memory:') return [newSecretKey()]
  const keyFile = keyFileOf(path)
  try {
    return readKeyFile(keyFile)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const created = createKeyFile(keyFile)
  if (created) onCreated(keyFile)
  return created ?? readKeyFile(keyFile)
}

/**
 * The key file at `path`, created when missing: written whole under another name, then
 * linked into place, which fails when the file exists, so two processes starting at once
 * both end up reading the one key written first. Undefined when another process won.
 */
function createKeyFile(path: string): Keyring | undefined {
  const keyring = [newSecretKey()]
  const draft = `${path}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(draft, `${formatKeyring(keyring)}\n`, { mode: 0o600, flag: 'wx' })
  try {
    linkSync(draft, path)
    return keyring
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw error
  } finally {
    unlinkSync(draft)
  }
}

/**
 * A CredentialStore in one JSON file: `{"version": 1, "credentials": {issuer: {...}}}`.
 * Client secrets and registration access tokens are secrets, so the file is created with
 * mode 0600 (its folder, when created, 0700) and a more open file is reported; every save
 * replaces the file atomically. Issuers are keys of a Map, never of an object: an issuer
 * named `constructor` or `__proto__` is a string like any other. An entry that is not
 * client information is reported and treated as absent.
 */
import { open } from 'node:fs/promises'
import { platform } from 'node:os'
import { isJsonObject } from '../wire/index.js'
import { writeFileAtomically } from './atomic-write.js'
import type { CredentialStore } from './credential-store.js'
import { emitProcessWarning, type WarningHandler } from './errors.js'
import { LockTimeoutError, withFileLock } from './file-lock.js'
import { clientInformationProblem } from './trusted-credentials.js'
import type { ClientRegistrationResponse } from './types.js'

/** A lock not refreshed for this long is stale: its holder is gone. */
const LOCK_STALE_MS = 10_000
/** Longer than an ensureRegistered() takes with a server that answers slowly. */
const LOCK_WAIT_MS = 120_000

/** The file's entries by issuer, as read: unchecked until one is loaded. */
type Entries = Map<string, unknown>

/** Options of FileCredentialStore. */
export interface FileCredentialStoreOptions {
  /**
   * Permission bits of the file (subject to the umask, which can only remove bits). A
   * file found with more bits than these is reported (REGISTRAR_CREDENTIALS_READABLE).
   * @default 0o600
   */
  mode?: number
  /**
   * Receives warnings: a file readable or writable by others than its owner, an entry
   * that is not client information.
   * @default emitProcessWarning (process.emitWarning)
   */
  onWarning?: WarningHandler
}

/**
 * A CredentialStore in one JSON file, written atomically (temporary file, fsync, rename,
 * fsync of the folder) with mode 0600. Saves from one instance are serialised; two
 * processes sharing a file may lose each other's concurrent saves, never corrupt the
 * file, and their ensureRegistered() calls take turns (exclusive()), so they register
 * one client.
 * @see RFC 7591 §3.2.1; RFC 6819 §5.1.6 (keep client secrets confidential)
 */
export class FileCredentialStore implements CredentialStore {
  /** The path of the JSON file. */
  readonly path: string
  readonly #mode: number
  readonly #onWarning: WarningHandler
  #queue: Promise<unknown> = Promise.resolve()
  #warnedOpen = false

  constructor(path: string, options: FileCredentialStoreOptions = {}) {
    this.path = path
    this.#mode = options.mode ?? 0o600
    this.#onWarning = options.onWarning ?? emitProcessWarning
  }

  /** The issuer's entry; undefined when there is none or it is not client information. */
  async load(issuer: string): Promise<ClientRegistrationResponse | undefined> {
    await this.#queue
    const entry = (await this.#read()).get(issuer)
    if (entry === undefined) return undefined
    const problem = clientInformationProblem(entry)
    if (problem === undefined) return entry as ClientRegistrationResponse
    this.#onWarning(
      `${this.path}: the entry for ${issuer} is ignored, it is not client information: ${problem}`,
      'REGISTRAR_CREDENTIALS_INVALID',
    )
    return undefined
  }

  /** Every issuer with an entry in the file. */
  async issuers(): Promise<string[]> {
    await this.#queue
    return [...(await this.#read()).keys()]
  }

  save(issuer: string, credentials: ClientRegistrationResponse): Promise<void> {
    return this.#update((entries) => entries.set(issuer, credentials))
  }

  remove(issuer: string): Promise<void> {
    return this.#update((entries) => entries.delete(issuer))
  }

  /**
   * Runs `work` holding a lock on the file that every process using it respects: a lock
   * directory beside it (`PATH.lock`), refreshed while held and taken over once not
   * refreshed for 10 s, so a holder that crashed blocks the others for seconds, not
   * forever. A waiter gives up after two minutes. Installs no signal or exit handler.
   */
  async exclusive<T>(_issuer: string, work: () => Promise<T>): Promise<T> {
    const lockPath = `${this.path}.lock`
    try {
      return await withFileLock(lockPath, work, { staleMs: LOCK_STALE_MS, waitMs: LOCK_WAIT_MS })
    } catch (cause) {
      if (!(cause instanceof LockTimeoutError)) throw cause
      throw new Error(
        `${this.path} stays locked by another process (${lockPath}); remove the lock if none is running`,
        { cause },
      )
    }
  }

  #update(change: (entries: Entries) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const entries = await this.#read()
      change(entries)
      const file = { version: 1, credentials: Object.fromEntries(entries) }
      await writeFileAtomically(this.path, `${JSON.stringify(file, null, 2)}\n`, this.#mode)
    })
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #read(): Promise<Entries> {
    const text = await this.#readText()
    if (text === undefined) return new Map()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new Error(`${this.path} is not JSON; fix or remove it`, { cause })
    }
    if (!isCredentialsFile(parsed)) {
      throw new Error(`${this.path} is not a registrar credentials file; fix or remove it`)
    }
    // Own members only; JSON.parse makes `__proto__` an own member like the others.
    return new Map(Object.entries(parsed.credentials))
  }

  /** The file's text, or undefined when there is no file; reports a file open to others. */
  async #readText(): Promise<string | undefined> {
    let handle
    try {
      handle = await open(this.path, 'r')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw cause
    }
    try {
      this.#checkMode((await handle.stat()).mode)
      return await handle.readFile('utf8')
    } finally {
      await handle.close()
    }
  }

  #checkMode(mode: number): void {
    const extra = mode & 0o077 & ~this.#mode
    if (extra === 0 || this.#warnedOpen || platform() === 'win32') return
    this.#warnedOpen = true
    const octal = (mode & 0o777).toString(8)
    this.#onWarning(
      `${this.path} holds client secrets and is open to group or others (mode ${octal}); run chmod 600 on it`,
      'REGISTRAR_CREDENTIALS_READABLE',
    )
  }
}

function isCredentialsFile(
  value: unknown,
): value is { version: 1; credentials: Record<string, unknown> } {
  return (
    isJsonObject(value) &&
    Object.hasOwn(value, 'version') &&
    value.version === 1 &&
    Object.hasOwn(value, 'credentials') &&
    isJsonObject(value.credentials)
  )
}

/**
 * A CredentialStore in one JSON file: `{"version": 1, "credentials": {issuer: {...}}}`.
 * Client secrets and registration access tokens are secrets, so the file is created with
 * mode 0600; every save writes a temporary file beside it and renames it over the old
 * one, so a crash leaves either the old file or the new one, never half of either.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { CredentialStore } from './credential-store.js'
import type { ClientRegistrationResponse } from './types.js'

/** A lock not refreshed for this long is stale: its holder is gone (proper-lockfile). */
const LOCK_STALE_MS = 10_000

interface CredentialsFile {
  version: 1
  credentials: Record<string, ClientRegistrationResponse>
}

/** Options of FileCredentialStore. */
export interface FileCredentialStoreOptions {
  /**
   * Permission bits of the file (subject to the umask, which can only remove bits).
   * @default 0o600
   */
  mode?: number
}

/**
 * A CredentialStore in one JSON file, written atomically (temporary file and rename)
 * with mode 0600. Saves from one instance are serialised; two processes sharing a file
 * may lose each other's concurrent saves, never corrupt the file, and their
 * ensureRegistered() calls take turns (exclusive()), so they register one client.
 * @see RFC 7591 §3.2.1; RFC 6819 §5.1.6 (keep client secrets confidential)
 */
export class FileCredentialStore implements CredentialStore {
  /** The path of the JSON file. */
  readonly path: string
  readonly #mode: number
  #queue: Promise<unknown> = Promise.resolve()

  constructor(path: string, options: FileCredentialStoreOptions = {}) {
    this.path = path
    this.#mode = options.mode ?? 0o600
  }

  async load(issuer: string): Promise<ClientRegistrationResponse | undefined> {
    await this.#queue
    return (await this.#read()).credentials[issuer]
  }

  /** Every issuer with stored credentials. */
  async issuers(): Promise<string[]> {
    await this.#queue
    return Object.keys((await this.#read()).credentials)
  }

  save(issuer: string, credentials: ClientRegistrationResponse): Promise<void> {
    return this.#update((file) => {
      file.credentials[issuer] = credentials
    })
  }

  remove(issuer: string): Promise<void> {
    return this.#update((file) => {
      delete file.credentials[issuer]
    })
  }

  /**
   * Runs `work` holding a lock on the file that every process using it respects: a lock
   * directory beside it (`PATH.lock`; mkdir is atomic), refreshed while held and taken
   * over once stale, so a holder that crashed blocks the others for seconds, not forever.
   * A waiter gives up after about two minutes, longer than an ensureRegistered() takes.
   */
  async exclusive<T>(_issuer: string, work: () => Promise<T>): Promise<T> {
    const { default: lockfile } = await import('proper-lockfile')
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(this.path, {
        realpath: false,
        stale: LOCK_STALE_MS,
        retries: { retries: 250, factor: 1.5, minTimeout: 25, maxTimeout: 500 },
        // Taken over as stale while still held (a stalled process): the work goes on; at
        // worst two registrations happen, which is what the lock is there to avoid.
        onCompromised: () => {},
      })
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ELOCKED') throw cause
      throw new Error(
        `${this.path} stays locked by another process (${this.path}.lock); remove the lock if none is running`,
        { cause },
      )
    }
    try {
      return await work()
    } finally {
      await release()
    }
  }

  #update(change: (file: CredentialsFile) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const file = await this.#read()
      change(file)
      await this.#write(file)
    })
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #read(): Promise<CredentialsFile> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, credentials: {} }
      throw cause
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new Error(`${this.path} is not JSON; fix or remove it`, { cause })
    }
    const file = parsed as Partial<CredentialsFile> | null
    if (file?.version !== 1 || typeof file.credentials !== 'object' || file.credentials === null) {
      throw new Error(`${this.path} is not a registrar credentials file; fix or remove it`)
    }
    return file as CredentialsFile
  }

  async #write(file: CredentialsFile): Promise<void> {
    const temporary = join(
      dirname(this.path),
      `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`,
    )
    const handle = await open(temporary, 'wx', this.#mode)
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await rename(temporary, this.path)
    } catch (cause) {
      await rm(temporary, { force: true })
      throw cause
    }
  }
}

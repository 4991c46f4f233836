/**
 * Replacing a file so that a crash or power loss leaves the old content or the new, never
 * half of either: write a temporary file beside it, flush it, rename it over the old one,
 * then flush the folder, which is what makes the rename itself durable (POSIX rename(2),
 * fsync(2)).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { platform } from 'node:os'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `text` to `path` atomically with permission bits `mode`; a missing folder is
 * created with mode `folderMode`, by default 0700 (only its owner may list or add files in
 * it), as for secrets.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
  mode: number,
  folderMode = 0o700,
): Promise<void> {
  const folder = dirname(path)
  await mkdir(folder, { recursive: true, mode: folderMode })
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temporary, 'wx', mode)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temporary, path)
  } catch (cause) {
    await rm(temporary, { force: true })
    throw cause
  }
  await syncFolder(folder)
}

async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the rename instead.
  if (platform() === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Files only their owner may read: keys, API tokens, a node's state. A mode
 * given when writing applies only to a file that did not exist, so a file made
 * earlier with a wider mode (by hand, by a copy, by an old version, under
 * another umask) would keep it, and a new secret written into it would be
 * readable by every local user. These helpers close that gap.
 */
import { chmodSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'

export const PRIVATE_FILE_MODE = 0o600

/**
 * Writes `text` to a file that only its owner can read, whatever mode the file had before; the mode is set before the
 * text is written.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const file = await open(path, 'w', PRIVATE_FILE_MODE)
  try {
    await file.chmod(PRIVATE_FILE_MODE)
    await file.writeFile(text)
  } finally {
    await file.close()
  }
}

/** Takes group and other access away from an existing file; a missing file is left missing. */
export function restrictToOwner(path: string): void {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700)
}

/**
 * Finds a node's control API from what a user types: a data directory (which
 * holds api.url and api.token, written by the node at start) or a URL (the
 * token then comes from LNSIM_TOKEN or --token).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LnsimError } from '../../core/errors.js'
import { NodeClient, type NodeClientOptions } from './client.js'

export const API_URL_FILE = 'api.url'
export const API_TOKEN_FILE = 'api.token'

/** `options` tune the client (a command a person waits on asks once: see the CLI's nodeTarget). */
export async function locateNode(
  target: string,
  token?: string,
  options: Omit<NodeClientOptions, 'url' | 'token'> = {},
): Promise<NodeClient> {
  if (/^https?:\/\//.test(target)) {
    const t = token ?? process.env.LNSIM_TOKEN
    if (!t)
      throw new LnsimError(
        'NO_TOKEN',
        `a node URL needs its API token: pass --token or set LNSIM_TOKEN (it is in the node's data directory, ` +
          `${API_TOKEN_FILE})`,
      )
    return new NodeClient({ ...options, url: target, token: t })
  }
  let url: string
  let fileToken: string
  try {
    url = (await readFile(join(target, API_URL_FILE), 'utf8')).trim()
    fileToken = (await readFile(join(target, API_TOKEN_FILE), 'utf8')).trim()
  } catch {
    throw new LnsimError(
      'NODE_NOT_FOUND',
      `no running node found in ${target} (no ${API_URL_FILE}/${API_TOKEN_FILE}); ` +
        `start one with \`lnsim node start --data-dir ${target}\``,
    )
  }
  return new NodeClient({ ...options, url, token: token ?? fileToken })
}

/**
 * The dashboard's page and its scripts, read as they are from the source tree
 * (no build step at run time), and cytoscape from node_modules.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StaticAsset } from '../../api/http/route.js'
import { ObserveError } from '../errors.js'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

/**
 * Source runs (tsx, vitest) find static/ beside this file; the bundle finds it
 * in the source tree it ships with, from dist/ or from one of dist/chunks/.
 */
function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const shipped = (up: string): string => join(here, up, 'src', 'observe', 'dashboard', 'static')
  for (const dir of [join(here, 'static'), shipped('..'), shipped(join('..', '..'))]) {
    if (existsSync(join(dir, 'index.html'))) return dir
  }
  throw new ObserveError(
    'DASHBOARD_ASSETS_MISSING',
    `the dashboard page is missing (looked beside ${here}); reinstall lnsim`,
  )
}

/** The page, its scripts and styles, and cytoscape, by the path the page asks for; read once, at start. */
export function loadAssets(): Map<string, StaticAsset> {
  const dir = staticDir()
  const assets = new Map<string, StaticAsset>()
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)]
    if (type) assets.set(`/assets/${name}`, { contentType: type, body: readFileSync(join(dir, name)) })
  }
  assets.set('/', assets.get('/assets/index.html')!)
  let cytoscape: string
  try {
    cytoscape = join(
      dirname(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js')),
      'cytoscape.esm.min.mjs',
    )
  } catch {
    throw new ObserveError(
      'DASHBOARD_ASSETS_MISSING',
      'cytoscape is not installed: run `npm install` in the lnsim folder',
    )
  }
  assets.set('/vendor/cytoscape.mjs', { contentType: CONTENT_TYPES['.mjs']!, body: readFileSync(cytoscape) })
  // browsers ask for it on their own; the page has none, and a 404 would show as an error in the console
  assets.set('/favicon.ico', { body: null })
  return assets
}

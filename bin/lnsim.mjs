#!/usr/bin/env node
// The lnsim command. The real program is the bundle that `npm install` builds.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const bundle = fileURLToPath(new URL('../dist/lnsim.mjs', import.meta.url))
if (!existsSync(bundle)) {
  console.error(
    'lnsim: the program is not built yet. Run `npm install` (or `npm run build`) in the lnsim folder first.',
  )
  process.exit(2)
}
await import(pathToFileURL(bundle).href)

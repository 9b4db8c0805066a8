// Fails when a line of code is longer than 120 characters. Prettier keeps code within that width, but it
// never breaks a string, a template literal or a comment, so those can still run past it unnoticed.
// It checks the files `npm run format` formats: the globs are read from that script, so the two agree.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The longest line allowed, in characters: Prettier's printWidth in .prettierrc. */
const MAX_LINE_CHARACTERS = 120
/** Folders that hold no code of ours to check: dependencies, git's own, and build output. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist'])

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The quoted globs of the `format` script in package.json, e.g. "src/**\/*.ts". */
function formattedGlobs() {
  const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.format
  const globs = [...script.matchAll(/"([^"]+)"/g)].map((m) => m[1])
  if (globs.length === 0) throw new Error('the format script in package.json names no quoted globs to check')
  return globs
}

/** A glob as a regular expression on a path from the root: `**\/` any folders, `*` within one, `{a,b}` either. */
function globToRegExp(glob) {
  let pattern = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (glob.startsWith('**/', i)) {
      pattern += '(?:.*/)?'
      i += 2
    } else if (c === '*') pattern += '[^/]*'
    else if (c === '{') pattern += '(?:'
    else if (c === '}') pattern += ')'
    else if (c === ',') pattern += '|'
    else pattern += c.replace(/[.+?^$()[\]\\|]/g, '\\$&')
  }
  return new RegExp(`^${pattern}$`)
}

function* filesUnder(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) yield* filesUnder(join(folder, entry.name))
    } else if (entry.isFile()) yield join(folder, entry.name)
  }
}

const patterns = formattedGlobs().map(globToRegExp)
const tooLong = []
let checked = 0
for (const file of filesUnder(root)) {
  const path = relative(root, file).split(sep).join('/')
  if (!patterns.some((p) => p.test(path))) continue
  checked++
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      // Characters are code points, not UTF-16 units or bytes: '→' or an emoji counts as one, as an editor shows it.
      const characters = [...line].length
      if (characters > MAX_LINE_CHARACTERS) tooLong.push(`${path}:${index + 1}: ${characters} characters`)
    })
}

if (checked === 0) {
  console.error('check-line-length: no files matched the globs of the format script in package.json')
  process.exit(1)
}
if (tooLong.length > 0) {
  console.error(tooLong.join('\n'))
  console.error(
    `${tooLong.length} line(s) longer than ${MAX_LINE_CHARACTERS} characters: split long strings into ` +
      "concatenated parts ('…' + '…') and wrap long comments, then run `npm run format`.",
  )
  process.exit(1)
}

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'

// The layers of src/ and what each may import (architecture.md): arrows point down only.
const ALLOWED: Record<string, string[]> = {
  core: [],
  crypto: ['core'],
  chain: ['core', 'crypto'],
  wire: ['core', 'crypto', 'chain'],
  channel: ['core', 'crypto', 'chain', 'wire'],
  invoice: ['core', 'crypto', 'chain', 'wire', 'channel', 'routing'],
  routing: ['core', 'crypto', 'chain', 'wire', 'channel'],
  api: ['core', 'wire', 'chain'],
  chaind: ['core', 'crypto', 'chain', 'api'],
  node: ['core', 'crypto', 'chain', 'wire', 'channel', 'invoice', 'routing', 'api'],
  scenario: ['core', 'api'],
  observe: ['core', 'api'],
  // the CLI runs a lower layer in its own process only through that layer's entry point, checked below
  cli: ['core', 'api', 'scenario', 'observe', 'node', 'chaind', 'invoice'],
}

const SRC = resolve(__dirname, '../../src')

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : []
  })
}

function importsOf(file: string): string[] {
  // an import shown in a comment (a usage example) is not one
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
  const specs: string[] = []
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    specs.push((m[1] ?? m[2])!)
  }
  return specs.filter((s) => s.startsWith('.'))
}

describe('layering', () => {
  it('every src/ folder imports only the layers below it', () => {
    const violations: string[] = []
    for (const file of filesUnder(SRC)) {
      const from = relative(SRC, file).split('/')[0]!
      if (!(from in ALLOWED)) continue
      for (const spec of importsOf(file)) {
        const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!
        if (target === from || !(target in ALLOWED) || target.endsWith('.js')) continue
        if (!ALLOWED[from]!.includes(target))
          violations.push(`${relative(SRC, file)} imports ${spec} (${from} → ${target})`)
      }
    }
    expect(violations).toEqual([])
  })

  it('the CLI runs a node, the chain daemon or the invoice decoder only through their entry points', () => {
    // `lnsim node start`, `lnsim chain start` and `lnsim invoice decode` run these in the CLI's process
    const ENTRY_POINTS: Record<string, string> = {
      node: 'startNode.js',
      chaind: 'startChainDaemon.js',
      invoice: 'inspect.js',
    }
    const violations: string[] = []
    for (const file of filesUnder(join(SRC, 'cli'))) {
      for (const spec of importsOf(file)) {
        const [layer, ...rest] = relative(SRC, resolve(dirname(file), spec)).split('/')
        if (layer! in ENTRY_POINTS && rest.join('/') !== ENTRY_POINTS[layer!])
          violations.push(`${relative(SRC, file)} imports ${spec}`)
      }
    }
    expect(violations).toEqual([])
  })

  it("the scenario layer's rooms import downwards: run uses report, report uses network, network uses file", () => {
    // the file and its topology key build each other (a file embeds a topology; an import yields file-shaped nodes)
    const ROOMS: Record<string, string[]> = {
      file: ['topology', 'activity'],
      topology: ['file'],
      // SimLN's activity files: a file format the scenario file embeds, planned into payments the run sends
      activity: ['file'],
      network: ['file', 'topology'],
      report: ['file', 'topology', 'network'],
      run: ['file', 'topology', 'network', 'report', 'activity'],
    }
    const scenario = join(SRC, 'scenario')
    const violations: string[] = []
    for (const file of filesUnder(scenario)) {
      const from = relative(scenario, file).split('/')[0]!
      if (!(from in ROOMS)) continue
      for (const spec of importsOf(file)) {
        const target = relative(scenario, resolve(dirname(file), spec)).split('/')[0]!
        if (target === from || !(target in ROOMS)) continue
        if (!ROOMS[from]!.includes(target))
          violations.push(`${relative(SRC, file)} imports ${spec} (${from} → ${target})`)
      }
    }
    expect(violations).toEqual([])
  })

  it('no file of src/ reaches itself through its imports (no cycles)', () => {
    const graph = new Map<string, string[]>()
    for (const file of filesUnder(SRC)) {
      graph.set(
        relative(SRC, file),
        importsOf(file).map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts')),
      )
    }
    const cycles: string[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const path: string[] = []
    const visit = (file: string): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '))
        return
      }
      state.set(file, 'visiting')
      path.push(file)
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next)
      path.pop()
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file)
    expect(cycles).toEqual([])
  })
})

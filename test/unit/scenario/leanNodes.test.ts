/**
 * When a network's nodes run lean without being asked: from LEAN_FROM_NODES_PER_CORE
 * nodes per core (the measurements behind the threshold are in src/scenario/network/leanNodes.ts).
 */
import { describe, expect, it } from 'vitest'
import { LEAN_FROM_NODES_PER_CORE, LEAN_NODE_FLAGS, leanByDefault } from '../../../src/scenario/index.js'
import { nodeRuntimeFlags } from '../../../src/scenario/network/leanNodes.js'

describe('leanByDefault', () => {
  it('runs a network lean from the threshold per core, and full below it', () => {
    expect(LEAN_FROM_NODES_PER_CORE).toBe(16)
    expect(leanByDefault(31, 2)).toBe(false)
    expect(leanByDefault(32, 2)).toBe(true)
    expect(leanByDefault(100, 2)).toBe(true)
    // the same 100 nodes on 8 cores each get a bigger share of one, and keep the optimizing compiler
    expect(leanByDefault(100, 8)).toBe(false)
    expect(leanByDefault(128, 8)).toBe(true)
  })

  it('counts a machine that reports no cores as one', () => {
    expect(leanByDefault(15, 0)).toBe(false)
    expect(leanByDefault(16, 0)).toBe(true)
  })
})

describe('nodeRuntimeFlags', () => {
  it('gives lean nodes the lean flags, and the others none', () => {
    expect(nodeRuntimeFlags(true, {})).toEqual([...LEAN_NODE_FLAGS])
    expect(nodeRuntimeFlags(false, {})).toEqual([])
  })

  it('takes $LNSIM_NODE_FLAGS instead when it is set, even empty', () => {
    const env = { LNSIM_NODE_FLAGS: ' --cpu-prof  --cpu-prof-dir=prof ' }
    expect(nodeRuntimeFlags(true, env)).toEqual(['--cpu-prof', '--cpu-prof-dir=prof'])
    expect(nodeRuntimeFlags(true, { LNSIM_NODE_FLAGS: '' })).toEqual([])
  })
})

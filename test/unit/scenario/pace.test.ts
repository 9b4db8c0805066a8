import { describe, expect, it } from 'vitest'
import { bringUpPace, waves } from '../../../src/scenario/network/pace.js'

describe('bring-up pace', () => {
  it('sizes by the cores: two keep 4 starts and 8 calls as before, and open 200 channels a wave', () => {
    expect(bringUpPace(2)).toEqual({ startConcurrency: 4, callConcurrency: 8, waveSize: 200 })
    expect(bringUpPace(1)).toMatchObject({ startConcurrency: 2, callConcurrency: 4 })
    expect(bringUpPace(8).waveSize).toBe(800)
  })

  it('splits channels into even waves in order: 100 nodes open in one, a 300-node graph in three', () => {
    const channels = (n: number) => Array.from({ length: n }, (_, i) => i)
    expect(waves(channels(175), 200)).toEqual([channels(175)])
    const three = waves(channels(532), 200)
    expect(three.map((w) => w.length)).toEqual([178, 178, 176])
    expect(three.flat()).toEqual(channels(532))
    expect(waves([], 200)).toEqual([])
  })
})

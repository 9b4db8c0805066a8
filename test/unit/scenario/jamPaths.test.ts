import { describe, expect, it } from 'vitest'
import { planJam, type JamChannel } from '../../../src/scenario/file/jamPaths.js'

// alice and bob pay carol and dave through the hub; mallory attacks, eve colludes beyond carol and dave
const hub: JamChannel[] = [
  { name: 'alice-hub', from: 'alice', to: 'hub' },
  { name: 'bob-hub', from: 'bob', to: 'hub' },
  { name: 'hub-carol', from: 'hub', to: 'carol' },
  { name: 'hub-dave', from: 'hub', to: 'dave' },
  { name: 'mallory-hub', from: 'mallory', to: 'hub' },
  { name: 'carol-eve', from: 'carol', to: 'eve' },
  { name: 'dave-eve', from: 'dave', to: 'eve' },
]

describe('the paths of a jam', () => {
  it('crosses every channel of a hub that leads on to the colluder, the colluder chosen beyond them', () => {
    const plan = planJam(hub, { attacker: 'mallory', target: { node: 'hub' } })
    expect(plan.colluder).toBe('eve')
    expect(plan.paths).toEqual([
      { target: 'hub-carol', channels: ['mallory-hub', 'hub-carol', 'carol-eve'] },
      { target: 'hub-dave', channels: ['mallory-hub', 'hub-dave', 'dave-eve'] },
    ])
  })

  it('crosses one channel from the end nearer the attacker, or from the end named', () => {
    expect(planJam(hub, { attacker: 'mallory', target: { channel: 'hub-carol' }, colluder: 'eve' }).paths).toEqual([
      { target: 'hub-carol', channels: ['mallory-hub', 'hub-carol', 'carol-eve'] },
    ])
    // from carol's end, mallory would have to reach carol without the hub: through nobody
    expect(() =>
      planJam(hub, { attacker: 'mallory', target: { channel: 'hub-carol' }, from: 'carol', colluder: 'alice' }),
    ).toThrow(/mallory cannot reach carol other than through hub-carol/)
    // a channel whose near end is the attacker's own peer: the default colluder is beyond its far end
    expect(planJam(hub, { attacker: 'mallory', target: { channel: 'hub-dave' } })).toEqual({
      colluder: 'eve',
      paths: [{ target: 'hub-dave', channels: ['mallory-hub', 'hub-dave', 'dave-eve'] }],
    })
  })

  it('refuses a target it cannot cross to the colluder, saying which leg is missing', () => {
    expect(() => planJam(hub, { attacker: 'mallory', target: { channel: 'alice-hub' }, colluder: 'eve' })).toThrow(
      /alice cannot reach eve other than through alice-hub/,
    )
  })
})

/**
 * The scenario the metrics tests scrape: alice pays carol through bob once and
 * fails once for lack of liquidity, then the network stays up long enough to
 * be scraped.
 */
export function meteredScenarioYaml(name: string): string {
  return [
    `name: ${name}`,
    'nodes:',
    '  - { name: alice, fundsSat: 2_000_000 }',
    '  - { name: bob, fundsSat: 2_000_000 }',
    '  - { name: carol, fundsSat: 100_000 }',
    'channels:',
    '  - { from: alice, to: bob, capacitySat: 1_000_000 }',
    '  - { name: bc, from: bob, to: carol, capacitySat: 1_000_000, feePolicy: { baseMsat: 1_000, ppm: 0 } }',
    'steps:',
    '  - pay: { id: ok, from: alice, to: carol, amountMsat: 10_000_000 }',
    '  - pay: { id: too-much, from: alice, to: carol, amountMsat: 5_000_000_000 }',
    '  - sleep: { ms: 20_000 }',
  ].join('\n')
}

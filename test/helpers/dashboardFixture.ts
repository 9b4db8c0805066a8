/**
 * The recorded run the dashboard tests replay: alice, bob and carol; alice pays
 * carol through bob (bob keeps a fee), a larger payment fails at bob, bob pays
 * carol directly, then carol opens a channel to alice and forces it closed.
 */
import { fileURLToPath } from 'node:url'
import { readEventsFile } from '../../src/observe/dashboard/eventsFile.js'
import type { DashboardInput } from '../../src/observe/dashboard/views.js'

export const FIXTURE = fileURLToPath(new URL('../fixtures/triangle.events.ndjson', import.meta.url))

export async function fixtureInputs(): Promise<DashboardInput[]> {
  return (await readEventsFile(FIXTURE)).inputs
}

export function nodeIdOf(inputs: DashboardInput[], alias: string): string {
  const e = inputs.find((i) => 'alias' in i && i.alias === alias)
  if (!e || !('node' in e)) throw new Error(`no events of ${alias} in the fixture`)
  return e.node
}

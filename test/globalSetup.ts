import { build } from '../scripts/bundle.js'

export default async function setup(): Promise<void> {
  await build({ quiet: true })
}

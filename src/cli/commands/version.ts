import type { CommandSpec } from '../command.js'
import { curveBackendReport } from '../curveWarning.js'

declare const LNSIM_VERSION: string | undefined

export const versionCommand: CommandSpec = {
  path: ['version'],
  summary: 'Print the lnsim version, the Node.js version and the curve backend (native or JavaScript)',
  examples: ['lnsim version', 'lnsim --version', 'lnsim version --json'],
  async run({ out }) {
    const version = typeof LNSIM_VERSION === 'string' ? LNSIM_VERSION : 'dev'
    const curve = curveBackendReport()
    const kind = curve.native ? 'native' : 'JavaScript'
    out.result(
      { version, node: process.version, curve },
      `lnsim ${version} (node ${process.version}; secp256k1: ${curve.backend}, ${kind})`,
    )
  },
}

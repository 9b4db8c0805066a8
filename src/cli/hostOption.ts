/** The `--host ADDR` option of every lnsim server (chain, node, dashboard) and its parsing. */
import { BindAddressError, LOOPBACK_HOST, parseBindHost } from '../api/http/bindAddress.js'
import { CliError, type OptionSpec, type OptionValues } from './command.js'

export function hostOptionSpec(what: string, guard: string): OptionSpec {
  return {
    name: 'host',
    type: 'string',
    valueName: 'ADDR',
    description:
      `the address ${what} listens on: 0.0.0.0 for every interface, or one address (a container's, a pod's); ` +
      `the URL it writes names that address (for 0.0.0.0, the first routable one). ${guard}`,
    default: LOOPBACK_HOST,
  }
}

export function hostFrom(options: OptionValues): string {
  try {
    return parseBindHost(typeof options.host === 'string' ? options.host : LOOPBACK_HOST)
  } catch (err) {
    if (err instanceof BindAddressError) throw new CliError(err.message, { exitCode: 2, code: 'USAGE' })
    throw err
  }
}

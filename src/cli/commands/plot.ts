/** `lnsim plot EVENTS.ndjson`: a run's charts, as SVG files and one HTML page, from its events file. */
import { resolve } from 'node:path'
import { readPlotData } from '../../observe/plots/index.js'
import type { CommandSpec } from '../command.js'

/** Where the charts go without --out. */
export const DEFAULT_PLOTS_DIR = 'lnsim-plots'

export const plotCommand: CommandSpec = {
  path: ['plot'],
  summary: "Draw a run's charts (latency, success rate, throughput, balances) from its events file",
  description:
    'Reads the NDJSON file `lnsim run --events FILE` wrote and writes latency.svg (distribution of successful ' +
    "payments' latency), success-rate.svg and throughput.svg (over the run's time), balances.svg (each channel's " +
    "balance on its funder's side over time) and index.html (all of them in one page that opens offline). " +
    '`lnsim run --plots DIR` writes the same at the end of a run.',
  positionals: [{ name: 'EVENTS', description: 'events file of a run (NDJSON, from lnsim run --events)' }],
  options: [
    {
      name: 'out',
      type: 'string',
      valueName: 'DIR',
      description: `folder to write the charts into (made if missing; default ${DEFAULT_PLOTS_DIR})`,
      default: DEFAULT_PLOTS_DIR,
    },
  ],
  examples: [
    'lnsim run scenarios/demo.yaml --events events.ndjson && lnsim plot events.ndjson --out plots',
    'lnsim plot events.ndjson --json',
  ],
  async run({ args, options, out }) {
    const dir = resolve(String(options.out))
    const { data, events, skipped } = await readPlotData(resolve(args[0]!))
    const files = await data.write(dir)
    out.result(
      { dir, files, events, skipped, payments: data.paymentCount, channels: data.channelCount },
      `wrote ${files.length} file(s) to ${dir} from ${events} event(s)` +
        `${skipped ? ` (${skipped} line(s) skipped)` : ''}: ${data.paymentCount} payment(s), ` +
        `${data.channelCount} channel(s); open ${files[files.length - 1]}`,
    )
  },
}

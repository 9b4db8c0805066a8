/** `lnsim report --html OUT EVENTS.ndjson`: the HTML report of a run, made afterwards from its events file. */
import { resolve } from 'node:path'
import { readEventsInto, RunReport } from '../../observe/plots/index.js'
import { CliError, type CommandSpec } from '../command.js'

export const reportCommand: CommandSpec = {
  path: ['report'],
  summary: "Make a run's HTML report from its events file",
  description:
    'Reads the NDJSON file `lnsim run --events FILE` wrote and writes one self-contained HTML file (it opens ' +
    'offline, from disk): the run, its summary and every verdict, latency per pay/traffic step, success rate and ' +
    "payments per second over time, each channel's balance over time, fees earned and paid per node, attempts " +
    'per payment and the route map of the busiest paths. `lnsim run --html FILE` writes the same at the end of ' +
    'a run.',
  positionals: [{ name: 'EVENTS', description: 'events file of a run (NDJSON, from lnsim run --events)' }],
  options: [
    {
      name: 'html',
      type: 'string',
      valueName: 'OUT',
      description: 'the HTML file to write (its folder made if missing)',
    },
  ],
  examples: ['lnsim run scenarios/demo.yaml --events events.ndjson && lnsim report --html report.html events.ndjson'],
  async run({ args, options, out }) {
    if (typeof options.html !== 'string')
      throw new CliError('say where the report goes: lnsim report --html OUT.html EVENTS.ndjson', { exitCode: 2 })
    const path = resolve(options.html)
    const report = new RunReport()
    const { events, skipped } = await readEventsInto(resolve(args[0]!), report)
    await report.write(path)
    out.result(
      { file: path, events, skipped, payments: report.plots.paymentCount, channels: report.plots.channelCount },
      `wrote ${path} from ${events} event(s)${skipped ? ` (${skipped} line(s) skipped)` : ''}: ` +
        `${report.plots.paymentCount} payment(s), ${report.plots.channelCount} channel(s)`,
    )
  },
}

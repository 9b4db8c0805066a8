/**
 * `lnsim run FILE`: validate a scenario (YAML, or a TypeScript script), launch
 * its network, run it with the live view, print the summary, write the
 * requested reports, and exit 0 (every expectation holds), 1 (one does not),
 * 2 (invalid scenario, or the network could not start) or 130 (interrupted).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { basename, extname, join, relative, resolve } from 'node:path'
import { toJson } from '../../core/json.js'
import { errorMessage } from '../../core/errors.js'
import { startDashboard } from '../../observe/dashboard/index.js'
import { EventLog } from '../../observe/eventLog.js'
import { RunPlotData, RunReport } from '../../observe/plots/index.js'
import { MetricsTargets, NetworkMetrics, startMetricsServer } from '../../observe/metrics/index.js'
import { renderSummary } from '../../observe/summaryView.js'
import { TerminalView } from '../../observe/terminalView.js'
import {
  EXIT_INVALID,
  LEAN_FROM_NODES_PER_CORE,
  LocalProcessRunner,
  RUN_FILE,
  ScenarioFileError,
  emptySummary,
  isScriptFile,
  leanByDefault,
  loadScenarioFile,
  loadScenarioScript,
  renderJUnitSuites,
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_PASSED,
  renderPaymentsCsv,
  runNetwork,
  scenarioBody,
  type NetworkObserver,
  type NetworkSpec,
  type PaymentOutcome,
  type TopologySummary,
  type RunBody,
  type RunSummary,
  type ActivityOptions,
  type ActivitySpec,
  loadActivity,
  DEFAULT_CAPACITY_MULTIPLIER,
  DEFAULT_EXPECTED_PAYMENT_MSAT,
  MAX_CLUSTER_SCENARIO_NODES,
  MAX_SCENARIO_NODES,
  runMetadata,
  scenarioHash,
  type ChannelNameEntry,
  type RunChannelsEvent,
  type RunMetadata,
  type RunStartedEvent,
  type RunSummaryEvent,
  paymentLine,
  applyVariant,
  junitSummaries,
  pairedSummary,
  renderLedgerCsv,
  type PairedSummary,
  type Comparison,
} from '../../scenario/index.js'
import { renderPairedTable } from '../../observe/pairedView.js'
import {
  CliError,
  parseAmountArg,
  parseIntegerOption,
  type CommandSpec,
  type OptionValues,
  type Output,
} from '../command.js'
import { parseDuration } from '../duration.js'
import { scenarioFiles } from '../scenarioFiles.js'
import { curveWarning } from '../curveWarning.js'
import { KUBE_OPTIONS, agentRunner, kubeRunner, wantsKubernetes } from '../kubeOptions.js'

/**
 * Replaces the program that runs daemons (default: this Node with dist/lnsim.mjs), as a JSON array,
 * e.g. '["node","test/integration/scenario/fixtures/fakeDaemon.mjs"]': the runner's own tests use stand-in daemons.
 */
export const DAEMON_COMMAND_ENV = 'LNSIM_DAEMON_COMMAND'

function daemonCommand(): string[] | undefined {
  const raw = process.env[DAEMON_COMMAND_ENV]
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw) as unknown
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[]
  } catch {
    // reported below
  }
  throw new CliError(`${DAEMON_COMMAND_ENV} must be a JSON array of strings, like ["node","daemon.mjs"]`, {
    exitCode: 2,
    code: 'USAGE',
  })
}

/**
 * A YAML scenario's variants and comparisons, when it lists variants (a paired run); undefined otherwise, or when the
 * file does not load (its run says why).
 */
async function variantsOf(
  file: string,
): Promise<(Pick<Loaded['spec'], 'name' | 'seed'> & { variants: object; compare: Comparison[] }) | undefined> {
  if (isScriptFile(file)) return undefined
  try {
    const s = await loadScenarioFile(file, { maxNodes: MAX_CLUSTER_SCENARIO_NODES })
    return s.variants && Object.keys(s.variants).length > 0
      ? { name: s.name, seed: s.seed, variants: s.variants, compare: s.compare }
      : undefined
  } catch {
    return undefined
  }
}

/** The scenario file's sha256, or null when it cannot be read (the load that follows says why). */
async function fileHash(file: string): Promise<string | null> {
  return readFile(file).then(scenarioHash, () => null)
}

interface Loaded {
  spec: NetworkSpec
  body: RunBody
  steps: number | null
  imported: TopologySummary | null
  activity: ActivitySpec | null
}

/** --activity FILE (relative to where lnsim runs) or the scenario's `activity:`, with SimLN's flags over them. */
interface ActivityChoice {
  file: string | undefined
  options: ActivityOptions
}

async function load(
  file: string,
  sample: number | undefined,
  activity: ActivityChoice,
  maxNodes: number,
  variant?: string,
): Promise<Loaded> {
  const fromFlag = (names: string[]): ActivitySpec | null =>
    activity.file === undefined ? null : loadActivity(activity.file, process.cwd(), names, activity.options)
  if (isScriptFile(file)) {
    if (sample !== undefined)
      throw new CliError(
        '--sample applies to a YAML scenario with a topology, not to a script (give its topology a sample instead)',
        { exitCode: 2, code: 'USAGE' },
      )
    const script = await loadScenarioScript(file)
    const simln = fromFlag(script.spec.nodes.map((n) => n.name))
    // the script's own run, with the activity beside it
    const body: RunBody = simln
      ? async (net, ctx) => {
          const beside = ctx.activity(simln)
          await script.body(net, ctx)
          await beside
        }
      : script.body
    return { spec: script.spec, body, steps: null, imported: null, activity: simln }
  }
  const read = await loadScenarioFile(file, {
    maxNodes,
    ...(sample !== undefined ? { sample } : {}),
    ...(activity.file === undefined ? { activity: activity.options } : {}),
  })
  const scenario = variant === undefined ? read : applyVariant(read, variant)
  const simln = fromFlag(scenario.nodes.map((n) => n.name)) ?? scenario.simln ?? null
  return {
    spec: scenario,
    body: scenarioBody({ ...scenario, simln: simln ?? undefined }),
    steps: scenario.steps.length,
    imported: scenario.imported ?? null,
    activity: simln,
  }
}

function activityChoice(options: Record<string, string | boolean | undefined>): ActivityChoice {
  const total = parseIntegerOption(options['total-time'], 'total-time', { min: 1, max: 86_400 })
  const expected =
    options['expected-pmt-amt'] === undefined
      ? undefined
      : parseAmountArg(options['expected-pmt-amt'], 'msat', '--expected-pmt-amt')
  let multiplier: number | undefined
  if (typeof options['capacity-multiplier'] === 'string') {
    multiplier = Number(options['capacity-multiplier'])
    if (!/^[0-9.e+]+$/i.test(options['capacity-multiplier']) || !(multiplier > 0) || !Number.isFinite(multiplier))
      throw new CliError(`--capacity-multiplier must be a number above 0, got ${options['capacity-multiplier']}`, {
        exitCode: 2,
        code: 'USAGE',
      })
  }
  if (expected !== undefined && expected <= 0n)
    throw new CliError('--expected-pmt-amt must be above 0', { exitCode: 2, code: 'USAGE' })
  return {
    file: typeof options.activity === 'string' ? options.activity : undefined,
    options: { totalTimeSecs: total, expectedPaymentMsat: expected, capacityMultiplier: multiplier },
  }
}

/** One line about the SimLN activity the run will send. */
function describeActivity(a: ActivitySpec): string {
  const shown = relative(process.cwd(), a.sim.file)
  const what = a.sim.activity.length
    ? `${a.sim.activity.length} defined activit${a.sim.activity.length === 1 ? 'y' : 'ies'}`
    : `random activity between ${a.sim.nodes.length} node(s), ${a.expectedPaymentMsat} msat expected, ` +
      `capacity ×${a.capacityMultiplier} a month`
  const total = a.totalTimeSecs === undefined ? 'until every count is sent' : `for ${a.totalTimeSecs} s`
  return `SimLN activity ${shown.startsWith('..') ? a.sim.file : shown}: ${what}, ${total}\n`
}

function sampleOption(value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined
  const n = Number(value)
  if (!/^[0-9]+$/.test(value) || n < 2 || n > 500)
    throw new CliError(`--sample must be a whole number of nodes from 2 to 500, got ${JSON.stringify(value)}`, {
      exitCode: 2,
      code: 'USAGE',
    })
  return n
}

/**
 * --lean and --no-lean decide; without either, networks of LEAN_FROM_NODES_PER_CORE nodes per core or more run lean.
 */
function leanChoice(
  options: Record<string, string | boolean | undefined>,
  nodes: number,
): { lean: boolean; line: string } {
  const what = 'no optimizing compiler, 1 MB young generation'
  if (options.lean === true) return { lean: true, line: `nodes run lean (--lean: ${what})\n` }
  if (options['no-lean'] === true || !leanByDefault(nodes)) return { lean: false, line: '' }
  const cores = availableParallelism()
  return {
    lean: true,
    line:
      `nodes run lean (${what}): ${nodes} nodes on ${cores} core(s), ${LEAN_FROM_NODES_PER_CORE} or more per ` +
      `core; --no-lean turns it off\n`,
  }
}

/** One line saying what a topology import took from its file, and what it had to change. */
function describeImport(t: TopologySummary): string {
  const left = [
    ...(t.unusableChannels ? [`${t.unusableChannels} channel(s) disabled both ways or without policies`] : []),
    ...(t.outsideLargestComponent
      ? [`${t.outsideLargestComponent} node(s) outside the largest connected component`]
      : []),
  ]
  const shown = relative(process.cwd(), t.file)
  return (
    `topology ${shown.startsWith('..') ? t.file : shown}: ${t.nodes} of ${t.nodesInFile} ` +
    `node(s)${t.sample !== null ? ` (snowball sample of ${t.sample})` : ''}, ${t.channels} of ${t.channelsInFile} ` +
    `channel(s)${left.length ? `; left out ${left.join(', ')}` : ''}` +
    `${t.notes.length ? `; ${t.notes.join('; ')}` : ''}\n`
  )
}

interface Collected {
  payments: PaymentOutcome[]
  nodeIds: Map<string, string>
}

/** Each channel's scenario name beside its ids: the last line of the events file, and the CSV's join. */
function channelNames(summary: RunSummary): ChannelNameEntry[] {
  return summary.channels.map((c) => ({
    name: c.name,
    from: c.from,
    to: c.to,
    channelId: c.channelId,
    shortChannelId: c.shortChannelId,
  }))
}

/** The outputs of one scenario: the payments CSV. The report and JUnit file cover every scenario of the run. */
async function writeReports(summary: RunSummary, options: OptionValues, collected: Collected): Promise<void> {
  if (typeof options.csv === 'string') {
    const join = summary.run
      ? {
          runId: summary.run.runId,
          shortChannelIds: new Map(summary.channels.map((c) => [c.name, c.shortChannelId] as const)),
        }
      : undefined
    await writeFile(options.csv, renderPaymentsCsv(collected.payments, collected.nodeIds, join))
  }
}

/**
 * With several scenarios, each one's own files get its name: `--events ev.ndjson` is `ev.two-party.ndjson`,
 * `--csv p.csv` is `p.two-party.csv`, `--plots DIR` is `DIR/two-party/` (a second file of the same name gets `-2`).
 */
function perScenarioOutputs(options: OptionValues, file: string, taken: Set<string>): OptionValues {
  const stem = basename(file).replace(/\.[^.]+$/, '')
  let name = stem
  for (let i = 2; taken.has(name); i++) name = `${stem}-${i}`
  taken.add(name)
  return outputsNamed(options, name)
}

/** Each output of one run of several, its name added: `--events ev.ndjson` is `ev.NAME.ndjson`. */
function outputsNamed(options: OptionValues, name: string): OptionValues {
  const named = (path: string | boolean | undefined): string | boolean | undefined => {
    if (typeof path !== 'string') return path
    const ext = extname(path)
    return ext ? `${path.slice(0, -ext.length)}.${name}${ext}` : `${path}.${name}`
  }
  return {
    ...options,
    events: named(options.events),
    csv: named(options.csv),
    html: named(options.html),
    ...(typeof options.plots === 'string' ? { plots: join(options.plots, name) } : {}),
  }
}

/** A scenario the --timeout left no time for: reported as timed out, without starting anything. */
async function outOfTime(file: string, timeout: Deadline): Promise<RunSummary> {
  const run = runMetadata({
    scenario: basename(file),
    seed: '',
    nodes: 0,
    channels: 0,
    lean: false,
    scenarioHash: await fileHash(file),
  })
  return withRun(
    emptySummary({ name: basename(file), seed: '' }, Date.now(), 'timed-out', EXIT_FAILED, {
      code: 'TIMEOUT',
      message: `not started: the run's --timeout ${timeout.text} had passed`,
    }),
    run,
  )
}

/**
 * One exit code for several scenarios: 130 when interrupted, else the worst of them, 2 (invalid, or a network
 * that did not start) over 1 (an expectation failed, or out of time) over 0.
 */
export function combinedExitCode(codes: readonly number[]): number {
  if (codes.includes(EXIT_INTERRUPTED)) return EXIT_INTERRUPTED
  return Math.max(EXIT_PASSED, ...codes)
}

/** The metadata first, then the rest of the summary, so a report starts with what made it. */
function withRun(summary: RunSummary, run: RunMetadata): RunSummary {
  return { run, ...summary }
}

/** A path as short as it can be shown: relative to here unless it is elsewhere. */
function shownPath(file: string): string {
  const r = relative(process.cwd(), file)
  return r.startsWith('..') || r === '' ? file : r
}

/** Stops a whole `lnsim run` at a point in time (--timeout), across all its scenarios. */
interface Deadline {
  deadline: number
  /** as typed, for the messages */
  text: string
}

/** A run stopped by --timeout (not by Ctrl-C) is reported as out of time, exit 1. */
function timedOut(
  summary: RunSummary,
  timeout: Deadline | undefined,
  stopped: AbortSignal,
  interrupted: AbortSignal,
): RunSummary {
  if (!timeout || !stopped.aborted || interrupted.aborted || summary.status !== 'interrupted') return summary
  return {
    ...summary,
    status: 'timed-out',
    exitCode: EXIT_FAILED,
    error: {
      code: 'TIMEOUT',
      message: `the run did not finish within --timeout ${timeout.text}; every process was stopped`,
    },
  }
}

interface RunIo {
  json: boolean
  out: Output
  signal: AbortSignal
  timeout: Deadline | undefined
}

/** Runs one scenario file to its end, writes its own outputs (--csv, --events, --plots), and returns its summary. */
async function runScenario(
  file: string,
  options: OptionValues,
  { json, out, signal, timeout }: RunIo,
  variant?: string,
): Promise<RunSummary> {
  const onKubernetes = wantsKubernetes(options)
  const agents = agentRunner(options)
  const local =
    onKubernetes || agents
      ? undefined
      : new LocalProcessRunner({ ...(daemonCommand() ? { command: daemonCommand()! } : {}) })
  const collected: Collected = { payments: [], nodeIds: new Map() }
  let loaded: Awaited<ReturnType<typeof load>>
  try {
    // daemons in Pods may spread over a cluster's machines
    const maxNodes = onKubernetes || agents ? MAX_CLUSTER_SCENARIO_NODES : MAX_SCENARIO_NODES
    loaded = await load(file, sampleOption(options.sample), activityChoice(options), maxNodes, variant)
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw err
    process.stderr.write(`${err.message}\n${err.issues.length} problem(s); nothing was started.\n`)
    const run = runMetadata({
      scenario: basename(file),
      seed: '',
      nodes: 0,
      channels: 0,
      lean: false,
      scenarioHash: await fileHash(file),
    })
    const summary = withRun(
      emptySummary({ name: basename(file), seed: '' }, Date.now(), 'invalid', EXIT_INVALID, {
        code: err.code,
        message: err.message,
      }),
      run,
    )
    await writeReports(summary, options, collected)
    return summary
  }
  const { spec } = loaded
  const { lean, line: leanLine } = leanChoice(options, spec.nodes.length)

  const screen = json ? process.stderr : process.stdout
  const view = new TerminalView(screen, { mode: 'run', ...(options.plain === true ? { live: false } : {}) })
  const run = runMetadata({
    scenario: spec.name,
    seed: spec.seed,
    nodes: spec.nodes.length,
    channels: spec.channels.length,
    lean,
    scenarioHash: await fileHash(file),
  })
  const events = typeof options.events === 'string' ? await EventLog.open(options.events) : undefined
  const plots = typeof options.plots === 'string' ? new RunPlotData() : undefined
  const report = typeof options.html === 'string' ? new RunReport() : undefined
  // the runner's own lines go to every sink as they would be read back from the events file
  const record = (line: object): void => {
    events?.write(line)
    plots?.add(line)
    if (report) report.add(JSON.parse(toJson(line)))
  }
  record({ type: 'run_started', time: Date.now(), ...run } satisfies RunStartedEvent)
  const dashboard = options.dashboard === true ? await startDashboard() : undefined
  if (dashboard) {
    if (json) process.stdout.write(JSON.stringify({ event: 'dashboard', url: dashboard.url }) + '\n')
    else screen.write(`dashboard: ${dashboard.url}\n`)
  }
  const metricsPort = parseIntegerOption(options['metrics-port'], 'metrics-port', { min: 0, max: 65_535 })
  const metrics = metricsPort === undefined ? undefined : new NetworkMetrics(spec.channels)
  const metricsServer = metrics && (await startMetricsServer(metricsPort!, () => metrics.families()))
  if (metricsServer) {
    if (json) process.stdout.write(JSON.stringify({ event: 'metrics', url: metricsServer.url }) + '\n')
    else screen.write(`metrics: ${metricsServer.url} (Prometheus)\n`)
  }
  const where = options.metrics === true ? new MetricsTargets(json, screen) : undefined
  const observer: NetworkObserver = {
    chain: (url) => where?.chain(url),
    nodes: (list) => {
      where?.nodes(list)
      for (const n of list) collected.nodeIds.set(n.name, n.nodeId)
      metrics?.nodes(list)
      view.nodes(list)
    },
    progress: (p) => view.onProgress(p),
    step: (s) => view.onStep(s),
    // a step's and a script's expectations show as they happen; the final ones (and failed steps, already shown) in
    // the summary
    verdict: (v) => (v.source.endsWith('.expect') || v.source === 'script') && view.onVerdict(v),
    payment: (p) => {
      collected.payments.push(p)
      view.onPayment(p)
      if (events || report) record(paymentLine(run.runId, p))
    },
    log: (line) => view.onLog(line),
    event: (e) => {
      view.onEvent(e)
      events?.write(e)
      plots?.add(e)
      report?.add(JSON.parse(toJson(e)))
      metrics?.add(e)
      dashboard?.publish(e)
    },
  }

  const dir =
    typeof options.dir === 'string'
      ? resolve(options.dir)
      : await mkdtemp(join(tmpdir(), `lnsim-${spec.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-`))
  const keep = options.keep === true
  const runner = agents ?? local ?? kubeRunner(options, dir)
  screen.write(
    `${spec.name}${variant !== undefined ? ` [variant ${variant}]` : ''}: ${spec.nodes.length} node(s), ` +
      `${spec.channels.length} channel(s)${loaded.steps !== null ? `, ${loaded.steps} step(s)` : ''}; ` +
      `seed ${JSON.stringify(spec.seed)}\n`,
  )
  if (loaded.imported) screen.write(describeImport(loaded.imported))
  if (loaded.activity) screen.write(describeActivity(loaded.activity))
  // the nodes load the same module as this process: one warning for the run, not one per node
  const warning = curveWarning()
  if (warning) process.stderr.write(warning + '\n')
  screen.write(leanLine)
  screen.write(
    `run folder ${dir}${keep ? '' : ' (removed at the end; --keep keeps it)'}; watch from another terminal: ` +
      `lnsim watch --run-dir ${dir}\n`,
  )

  // --timeout: the run is stopped as an interrupted one is, and then reported as out of time
  const stop = new AbortController()
  const onAbort = (): void => stop.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  const timer =
    timeout && setTimeout(() => stop.abort(new Error('timed out')), Math.max(0, timeout.deadline - Date.now()))
  let summary: RunSummary | undefined
  try {
    const ran = await runNetwork(spec, loaded.body, { runner, dir, keep, observer, signal: stop.signal, lean })
    summary = withRun(
      { ...timedOut(ran, timeout, stop.signal, signal), ...(variant !== undefined ? { variant } : {}) },
      run,
    )
  } finally {
    if (timer) clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    view.close()
    if (summary) {
      record({ type: 'run_summary', runId: run.runId, time: Date.now(), summary } satisfies RunSummaryEvent)
      record({
        type: 'run_channels',
        runId: run.runId,
        time: Date.now(),
        channels: channelNames(summary),
      } satisfies RunChannelsEvent)
    }
    await events?.close()
    await dashboard?.stop()
    await metricsServer?.stop()
    if (!keep && typeof options.dir !== 'string') await rm(dir, { recursive: true, force: true }).catch(() => {})
  }
  const done = summary
  if (!json)
    out.result(done, () =>
      renderSummary(done, {
        color: screen.isTTY === true && !process.env.NO_COLOR && options.plain !== true,
      }).trimEnd(),
    )
  try {
    await writeReports(summary, options, collected)
    if (plots) out.info(`plots: ${(await plots.write(resolve(String(options.plots)))).at(-1)}`)
    if (report) {
      await report.write(resolve(String(options.html)))
      out.info(`report: ${resolve(String(options.html))}`)
    }
  } catch (err) {
    throw new CliError(
      `the run finished (exit ${summary.exitCode}) but a report could not be written: ${errorMessage(err)}`,
      { exitCode: summary.exitCode || 1 },
    )
  }
  if (keep) out.info(`kept ${dir}: ${RUN_FILE}, logs/, and one data directory per node`)
  return summary
}

export const runCommand: CommandSpec = {
  path: ['run'],
  summary: 'Run a scenario: launch its network, drive it, and check its expectations',
  description:
    'FILE is a scenario in YAML (see docs/scenarios.md) or a TypeScript script (default-exporting defineScenario). ' +
    'The chain and every node run as their own processes on 127.0.0.1, with ports the OS picks, ' +
    'so runs never collide. ' +
    'Exit code: 0 every expectation holds, 1 one does not, 2 the scenario is invalid or the network could not start, ' +
    '130 interrupted. ' +
    'Every process started is stopped when the run ends, fails or is interrupted. ' +
    'With several scenarios, --junit and --report cover them all (a test suite per scenario), --events, --csv, ' +
    '--html and --plots are written per scenario (its name added), and the exit code is the worst: ' +
    '130 interrupted, then 2, then 1.',
  positionals: [
    {
      name: 'FILE',
      description:
        'scenario file (.yaml) or script (.ts); several, a folder (its scenarios in name order) or a pattern ' +
        '(scenarios/*.yaml) run one after another',
      variadic: true,
    },
  ],
  options: [
    {
      name: 'junit',
      type: 'string',
      valueName: 'FILE',
      description: 'write a JUnit XML report: one test case per expectation',
    },
    {
      name: 'events',
      type: 'string',
      valueName: 'FILE',
      description: 'write every node and chain event as NDJSON, on one clock',
    },
    {
      name: 'report',
      type: 'string',
      valueName: 'FILE',
      description: 'write the summary as JSON (with several scenarios, an array of them)',
    },
    {
      name: 'timeout',
      type: 'string',
      valueName: 'DURATION',
      description:
        'stop the whole run after DURATION (90s, 5m, 1h30m; a bare number is seconds): every process is stopped, ' +
        'the scenario running is reported as timed out (TIMEOUT in the JUnit file), those left are not started, ' +
        'and lnsim exits 1',
    },
    {
      name: 'plots',
      type: 'string',
      valueName: 'DIR',
      description:
        'write charts of the run into DIR: latency distribution, success rate and payments per second over time, ' +
        'channel balances over time (SVG files and one offline HTML page; `lnsim plot` draws them from --events)',
    },
    {
      name: 'html',
      type: 'string',
      valueName: 'FILE',
      description:
        'write one self-contained HTML report (opens offline): the summary and verdicts, latency per pay/traffic ' +
        'step, success rate and payments per second over time, channel balances over time, fees per node, ' +
        'attempts per payment and a route map of the busiest paths (`lnsim report --html` makes it from --events)',
    },
    {
      name: 'csv',
      type: 'string',
      valueName: 'FILE',
      description:
        'write one CSV row per payment: source, destination, amount, hash, times, outcome, route, fee, attempts ' +
        '(see docs/scenarios.md)',
    },
    {
      name: 'ledger-csv',
      type: 'string',
      valueName: 'FILE',
      description:
        "write each node's cost ledger as CSV, one row per node and run (a paired run's variants side by side): " +
        'fees paid and earned, on-chain fees, HTLCs offered, settled, failed and held, capital locked in msat × s ' +
        'and msat × blocks',
    },
    {
      name: 'activity',
      type: 'string',
      valueName: 'SIM.JSON',
      description:
        "send SimLN's activity from its sim.json beside the steps: defined activities, or random activity when it " +
        "lists none; its node ids (aliases or public keys) name the scenario's nodes (replaces the file's activity:)",
    },
    {
      name: 'total-time',
      type: 'string',
      valueName: 'SECONDS',
      description: 'SimLN -t: how long the activity runs (needed unless every activity has a count)',
    },
    {
      name: 'expected-pmt-amt',
      type: 'string',
      valueName: 'AMOUNT',
      description: `SimLN's random activity: the mean payment (default ${DEFAULT_EXPECTED_PAYMENT_MSAT} msat)`,
    },
    {
      name: 'capacity-multiplier',
      type: 'string',
      valueName: 'X',
      description:
        `SimLN's random activity: how many times each node sends its capacity in a 30-day month ` +
        `(default ${DEFAULT_CAPACITY_MULTIPLIER}; a run of seconds needs thousands)`,
    },
    {
      name: 'sample',
      type: 'string',
      valueName: 'N',
      description: "run the scenario's imported topology sampled down to N nodes, whatever its file says",
    },
    {
      name: 'lean',
      type: 'boolean',
      description:
        `run the nodes lean: without V8's optimizing compiler, in less memory (at 100 nodes on 2 cores, ` +
        `67 MB resident each instead of 75). The default from ${LEAN_FROM_NODES_PER_CORE} nodes per core, ` +
        'where it routes as fast; in a small network carrying heavy traffic, payments take up to 1.5x as long',
    },
    {
      name: 'no-lean',
      type: 'boolean',
      description:
        'run every node with the optimizing compiler, however big the network (faster for nodes that each ' +
        'route thousands of payments)',
    },
    {
      name: 'keep',
      type: 'boolean',
      description: 'keep the run folder (data directories, logs, run.json) and print where it is',
    },
    { name: 'dir', type: 'string', valueName: 'DIR', description: 'run folder to use (default: a new temporary one)' },
    { name: 'plain', type: 'boolean', description: 'plain lines even on a terminal (the default in CI and pipes)' },
    {
      name: 'metrics',
      type: 'boolean',
      description:
        'print where the chain and each node serve their own Prometheus metrics (GET /metrics on their HTTP ' +
        'server; a node asks for its API token as a bearer token), with --json as ' +
        '{"event":"metrics","target":"node",…} lines (docs/metrics.md)',
    },
    {
      name: 'metrics-port',
      type: 'string',
      valueName: 'PORT',
      description:
        'serve Prometheus metrics of the running network on http://127.0.0.1:PORT/metrics (0: a free port; the ' +
        'URL is printed, with --json as {"event":"metrics","url":…}): payments, failures by code, forwards, fees, ' +
        'HTLCs in flight, channel balances and states, peers, chain height (docs/metrics.md)',
    },
    {
      name: 'dashboard',
      type: 'boolean',
      description:
        'serve the web dashboard of the run on 127.0.0.1 (its URL is printed; ' +
        'with --json as {"event":"dashboard","url":…})',
    },
    ...KUBE_OPTIONS,
  ],
  examples: [
    'lnsim run scenarios/demo.yaml',
    'lnsim run scenarios/demo.yaml --dashboard',
    'lnsim run scenarios/competing-routes.yaml --junit results.xml --events events.ndjson',
    'lnsim run scenarios/fee-survey.ts --keep',
    'lnsim run scenarios/imported-50.yaml --csv payments.csv',
    'lnsim run scenarios/imported-50.yaml --sample 20',
    'lnsim run scenarios/imported-50.yaml --no-lean',
    'lnsim run scenarios/demo.yaml --json > summary.json',
    'lnsim run scenarios/two-party.yaml scenarios/triangle.yaml --junit results.xml --timeout 5m',
    'lnsim run scenarios/ --junit results.xml',
    'lnsim run scenarios/simln-network.yaml --activity scenarios/simln/sim.json',
    'lnsim run scenarios/simln-network.yaml --activity scenarios/simln/random-sim.json --total-time 8 \\\n' +
      '    --expected-pmt-amt 20000sat --capacity-multiplier 20000',
  ],
  async run({ args, options, json, out, signal }) {
    if (options.lean === true && options['no-lean'] === true)
      throw new CliError(
        '--lean and --no-lean contradict each other: give one of them, or neither to let the network size decide',
        { exitCode: 2, code: 'USAGE' },
      )
    const files = scenarioFiles(args)
    const several = files.length > 1
    if (several && typeof options.dir === 'string')
      throw new CliError(`--dir names one run's folder: give one scenario with it, not ${files.length}`, {
        exitCode: 2,
        code: 'USAGE',
      })
    const timeout =
      typeof options.timeout === 'string'
        ? { deadline: Date.now() + parseDuration(options.timeout, '--timeout'), text: options.timeout }
        : undefined
    const runs: { summary: RunSummary | PairedSummary; file: string }[] = []
    const names = new Set<string>()
    const io = { json, out, signal, timeout }
    for (const file of files) {
      if (signal.aborted) break
      if (several) process.stderr.write(`\n── ${shownPath(file)} (${runs.length + 1} of ${files.length}) ──\n`)
      const outputs = several ? perScenarioOutputs(options, file, names) : options
      const paired = timeout && Date.now() >= timeout.deadline ? undefined : await variantsOf(file)
      if (paired) {
        // the variants one after another, from the same seed; each has its own events, CSV and plots
        const variants: RunSummary[] = []
        for (const name of Object.keys(paired.variants)) {
          if (signal.aborted) break
          process.stderr.write(
            `\n── variant ${name} (${variants.length + 1} of ${Object.keys(paired.variants).length}) ──\n`,
          )
          variants.push(
            timeout && Date.now() >= timeout.deadline
              ? { ...(await outOfTime(file, timeout)), variant: name }
              : await runScenario(file, outputsNamed(outputs, name), io, name),
          )
        }
        const summary = pairedSummary(paired, variants)
        if (!json) out.result(null, renderPairedTable(summary))
        runs.push({ summary, file })
        continue
      }
      const summary =
        timeout && Date.now() >= timeout.deadline
          ? await outOfTime(file, timeout)
          : await runScenario(file, outputs, io)
      runs.push({ summary, file })
    }
    const summaries = runs.map((r) => r.summary)
    const flat = runs.flatMap(({ summary, file }) =>
      'variants' in summary ? junitSummaries(summary).map((s) => ({ summary: s, file })) : [{ summary, file }],
    )
    const exitCode = combinedExitCode(summaries.map((s) => s.exitCode))
    try {
      if (typeof options.report === 'string')
        await writeFile(options.report, toJson(several ? summaries : summaries[0], 2) + '\n')
      if (typeof options.junit === 'string') await writeFile(options.junit, renderJUnitSuites(flat))
      if (typeof options['ledger-csv'] === 'string')
        await writeFile(
          options['ledger-csv'],
          renderLedgerCsv(summaries.flatMap((s) => ('variants' in s ? s.variants : [s]))),
        )
    } catch (err) {
      throw new CliError(
        `the run finished (exit ${exitCode}) but a report could not be written: ${errorMessage(err)}`,
        {
          exitCode: exitCode || 1,
        },
      )
    }
    if (json) out.result(several ? summaries : summaries[0], '')
    else if (several)
      out.result(
        null,
        `\n${summaries.filter((s) => s.exitCode === 0).length} of ${files.length} scenario(s) passed` +
          `${summaries.length < files.length ? ` (${files.length - summaries.length} not run: interrupted)` : ''}: ` +
          summaries.map((s) => `${s.scenario} ${s.status}`).join(', ') +
          `\nresult: exit ${exitCode}`,
      )
    return exitCode
  },
}

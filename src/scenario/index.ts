/**
 * Scenarios: a network described in a file (YAML) or in code, launched as real
 * processes, driven step by step, and judged by expectations.
 *
 * @example
 * ```ts
 * import { launch } from 'lnsim'   // or a relative path to src/scenario/index.js
 *
 * const net = await launch({
 *   nodes: [{ name: 'alice', fundsSat: 2_000_000 }, { name: 'bob', fundsSat: 100_000 }],
 *   channels: [{ from: 'alice', to: 'bob', capacitySat: 1_000_000 }],
 * })
 * try {
 *   const p = await net.pay('alice', 'bob', 50_000_000n)
 *   console.log(p.status, p.latencyMs)
 * } finally {
 *   await net.stop()
 * }
 * ```
 *
 * A whole scenario file: `runNetwork(scenario, scenarioBody(scenario), options)`
 * after `loadScenarioFile(path)`; this is what `lnsim run` does.
 */
export { launch, Network, type LaunchOptions, type WaitOptions } from './network/network.js'
export { toNetworkSpec, type NetworkInput, type NetworkSpec } from './network/networkSpec.js'
export type { ChannelRef } from './network/channelRef.js'
export type { NetworkNode } from './network/networkNode.js'
export {
  runNetwork,
  EXIT_PASSED,
  EXIT_FAILED,
  EXIT_INVALID,
  EXIT_INTERRUPTED,
  type RunBody,
  type RunContext,
  type RunOptions,
} from './run/runner.js'
export { scenarioBody, describeStep } from './run/steps.js'
export {
  loadScenarioFile,
  parseScenarioText,
  validateScenario,
  type LoadedScenario,
  type LoadOptions,
} from './file/load.js'
export {
  importTopology,
  graphToNetwork,
  expandTopology,
  nameFromAlias,
  type ImportedTopology,
  type TopologySummary,
} from './topology/topologyImport.js'
export { TopologySpec } from './topology/topologySpec.js'
export {
  parseDescribeGraph,
  readDescribeGraph,
  TopologyFileError,
  type DescribeGraph,
} from './topology/topologyFile.js'
export {
  snowballSample,
  components,
  degrees,
  highestDegreeNode,
  induced,
  type GraphShape,
} from './topology/topologySample.js'
export { renderPaymentsCsv, PAYMENT_CSV_COLUMNS, csvField, type CsvJoin } from './report/csvPayments.js'
export { defineScenario, loadScenarioScript, isScriptFile, type ScenarioScript } from './run/script.js'
export { ScenarioSchema, MAX_SCENARIO_NODES, MAX_CLUSTER_SCENARIO_NODES, type Scenario } from './file/scenarioSchema.js'
export type { Step, Condition, Expectation } from './file/schema.js'
export { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE_NAME } from './file/jsonSchema.js'
export { LEAN_NODE_FLAGS, LEAN_FROM_NODES_PER_CORE, leanByDefault } from './network/leanNodes.js'
export { NODE_NICENESS } from './network/priority.js'
export {
  LocalProcessRunner,
  type ProcessRunner,
  type ProcessSpec,
  type ManagedProcess,
  type LocalRunnerOptions,
} from './network/processRunner.js'
export { renderJUnit, renderJUnitSuites } from './report/junit.js'
export { renderLedgerCsv, LEDGER_CSV_COLUMNS } from './report/csvLedger.js'
export { CostLedger, DEFAULT_HELD_HTLC_MS, type NodeLedger } from './report/ledger.js'
export { pairedSummary, junitSummaries, variantRow, type PairedSummary, type VariantRow } from './report/pairedRun.js'
export { applyVariant, COMPARE_METRICS, type Comparison, type Variant } from './file/variants.js'
export type { JamResult } from './run/jam.js'
export {
  RunSummarySchema,
  ReportFileSchema,
  RunMetadataSchema,
  reportJsonSchema,
  reportJsonSchemaText,
  REPORT_SCHEMA_FILE,
} from './report/reportSchema.js'
export {
  runMetadata,
  scenarioHash,
  lnsimVersion,
  lnsimGitCommit,
  GIT_COMMIT_TIMEOUT_MS,
  type RunMetadata,
  type RunStartedEvent,
  type RunChannelsEvent,
  type ChannelNameEntry,
} from './report/runMetadata.js'
export { paymentLine, type RunPaymentEvent, type RunSummaryEvent } from './report/runEventLines.js'
export { readRunFile, RUN_FILE, type RunFile } from '../api/run/runFile.js'
export { followNodeEvents, followChainEvents } from './network/follow.js'
export { ChainClient } from '../api/chain/index.js'
export {
  emptySummary,
  type RunSummary,
  type NodeSummary,
  type ChannelSummary,
  type LatencySummary,
} from './report/report.js'
export type {
  NetworkObserver,
  NetworkEvent,
  PaymentOutcome,
  Verdict,
  BringUpProgress,
  StepNotice,
  ChainBlockEvent,
  ChainTxEvent,
} from './network/observer.js'
export type { TrafficSpec, TrafficResult } from './run/traffic.js'
export { loadActivity, type ActivitySpec, type ActivityOptions } from './activity/activitySpec.js'
export { readSimlnFile, parseSimlnFile, type SimlnFile } from './activity/simlnFile.js'
export {
  planRandomActivity,
  DEFAULT_CAPACITY_MULTIPLIER,
  DEFAULT_EXPECTED_PAYMENT_MSAT,
  SECONDS_PER_MONTH,
} from './activity/randomModel.js'
export {
  ScenarioFileError,
  NetworkStartError,
  ProcessStartError,
  StepError,
  ScenarioTimeoutError,
  formatIssue,
  type ScenarioIssue,
} from './errors.js'

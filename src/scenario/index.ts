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
export { launch, toNetworkSpec, Network, type NetworkInput, type NetworkSpec, type LaunchOptions, type ChannelRef, type WaitOptions } from './network.js'
export type { NetworkNode } from './networkNode.js'
export { runNetwork, EXIT_PASSED, EXIT_FAILED, EXIT_INVALID, EXIT_INTERRUPTED, type RunBody, type RunContext, type RunOptions } from './runner.js'
export { scenarioBody, describeStep } from './steps.js'
export { loadScenarioFile, parseScenarioText, validateScenario, type LoadedScenario, type LoadOptions } from './load.js'
export { importTopology, graphToNetwork, expandTopology, nameFromAlias, type ImportedTopology, type TopologySummary } from './topologyImport.js'
export { TopologySpec } from './topologySpec.js'
export { parseDescribeGraph, readDescribeGraph, TopologyFileError, type DescribeGraph } from './topologyFile.js'
export { snowballSample, components, degrees, highestDegreeNode, induced, type GraphShape } from './topologySample.js'
export { renderPaymentsCsv, PAYMENT_CSV_COLUMNS, csvField } from './csvPayments.js'
export { defineScenario, loadScenarioScript, isScriptFile, type ScenarioScript } from './script.js'
export { ScenarioSchema, type Scenario } from './scenarioSchema.js'
export type { Step, Condition, Expectation } from './schema.js'
export { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE_NAME } from './jsonSchema.js'
export { LEAN_NODE_FLAGS, LEAN_FROM_NODES_PER_CORE, leanByDefault } from './leanNodes.js'
export { LocalProcessRunner, type ProcessRunner, type ProcessSpec, type ManagedProcess, type LocalRunnerOptions } from './processRunner.js'
export { renderJUnit } from './junit.js'
export { readRunFile, RUN_FILE, type RunFile } from '../api/run/runFile.js'
export { followNodeEvents, followChainEvents } from './follow.js'
export { ChainClient } from '../api/chain/index.js'
export { emptySummary, type RunSummary, type NodeSummary, type ChannelSummary, type LatencySummary } from './report.js'
export type { NetworkObserver, NetworkEvent, PaymentOutcome, Verdict, BringUpProgress, StepNotice, ChainBlockEvent, ChainTxEvent } from './observer.js'
export type { TrafficSpec, TrafficResult } from './traffic.js'
export { ScenarioFileError, NetworkStartError, ProcessStartError, StepError, ScenarioTimeoutError, formatIssue, type ScenarioIssue } from './errors.js'

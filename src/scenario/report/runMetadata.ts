/**
 * What every output of a run starts with, so files from many runs can be told apart and joined: the run's id
 * (in the events, the CSV's `run_id` column, the report and the JUnit properties), which lnsim made it, from
 * which scenario file and seed, and on how big a network and machine.
 */
import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from '../network/processRunner.js'

declare const LNSIM_VERSION: string | undefined

/** How long asking git for the commit lnsim was built from may take before it is left out. */
export const GIT_COMMIT_TIMEOUT_MS = 2_000

export interface RunMetadata {
  /** a random UUID, new for each run */
  runId: string
  lnsimVersion: string
  /** the commit of the lnsim clone that ran, null for an installed package or without git */
  gitCommit: string | null
  scenario: string
  /** sha256 of the scenario file's bytes, null when the run had no file */
  scenarioHash: string | null
  seed: string
  nodes: number
  channels: number
  /** whether the nodes ran lean (no optimizing compiler) */
  lean: boolean
  cores: number
  startedAt: string
}

export function lnsimVersion(): string {
  return typeof LNSIM_VERSION === 'string' ? LNSIM_VERSION : 'dev'
}

/** The commit of the clone lnsim runs from; an installed package has no .git of its own, and gets null. */
export function lnsimGitCommit(): string | null {
  try {
    const root = packageRoot()
    if (!existsSync(join(root, '.git'))) return null
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      timeout: GIT_COMMIT_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    }).trim()
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null
  } catch {
    return null
  }
}

export function scenarioHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function runMetadata(fields: {
  scenario: string
  seed: string
  nodes: number
  channels: number
  lean: boolean
  scenarioHash: string | null
  startedAt?: number
}): RunMetadata {
  return {
    runId: randomUUID(),
    lnsimVersion: lnsimVersion(),
    gitCommit: lnsimGitCommit(),
    scenario: fields.scenario,
    scenarioHash: fields.scenarioHash,
    seed: fields.seed,
    nodes: fields.nodes,
    channels: fields.channels,
    lean: fields.lean,
    cores: availableParallelism(),
    startedAt: new Date(fields.startedAt ?? Date.now()).toISOString(),
  }
}

/** The line an events file starts with: the run's metadata, on the events' clock. */
export interface RunStartedEvent extends RunMetadata {
  type: 'run_started'
  time: number
}

/** A channel under its scenario name, its id and its short channel id: what joins events to the CSV and report. */
export interface ChannelNameEntry {
  name: string
  from: string
  to: string
  channelId: string | null
  shortChannelId: string | null
}

/** The line an events file ends with: every channel's scenario name beside the ids the events carry. */
export interface RunChannelsEvent {
  type: 'run_channels'
  runId: string
  time: number
  channels: ChannelNameEntry[]
}

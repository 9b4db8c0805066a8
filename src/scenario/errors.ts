/**
 * The scenario layer's errors. Each has a stable code, listed with what the
 * person or CI job running the scenario does about it; `lnsim run` exits 2 for
 * all of them (the scenario is invalid, or the network could not start or be
 * driven), 1 only for expectations that do not hold, which are outcomes.
 */
import { LnsimError } from '../core/errors.js'

/**
 * - `fix_scenario`: the file (or the script) says something that cannot be;
 * - `check_environment`: the machine or a daemon did not do its part: see the logs the message names;
 * - `fix_step`: a step asked for something the network cannot do at that point.
 */
export type ScenarioErrorAction = 'fix_scenario' | 'check_environment' | 'fix_step'

export const SCENARIO_ERRORS = {
  INVALID_SCENARIO: { action: 'fix_scenario' },
  SCENARIO_NOT_FOUND: { action: 'fix_scenario' },
  TOPOLOGY_INVALID: { action: 'fix_scenario' },
  UNSAFE_NAME: { action: 'fix_scenario' },
  INVALID_STEP: { action: 'fix_scenario' },
  INVALID_EXPECTATION: { action: 'fix_scenario' },
  UNKNOWN_NODE: { action: 'fix_scenario' },
  UNKNOWN_CHANNEL: { action: 'fix_scenario' },
  DUPLICATE_CHANNEL: { action: 'fix_scenario' },
  DUPLICATE_NODE: { action: 'fix_step' },
  TESTING_DISABLED: { action: 'fix_scenario' },
  NETWORK_START_FAILED: { action: 'check_environment' },
  NETWORK_START_TIMEOUT: { action: 'check_environment' },
  PROCESS_START_FAILED: { action: 'check_environment' },
  PROCESS_EXITED: { action: 'check_environment' },
  TIMEOUT: { action: 'check_environment' },
  STEP_FAILED: { action: 'fix_step' },
  NODE_NOT_RUNNING: { action: 'fix_step' },
  NODE_NOT_STARTED: { action: 'fix_step' },
  /** a jam step's target has no channel to jam, or no path leads across it to the colluder */
  JAM_NO_TARGET: { action: 'fix_scenario' },
  JAM_NO_PATH: { action: 'fix_scenario' },
} as const satisfies Record<string, { action: ScenarioErrorAction }>

export type ScenarioErrorCode = keyof typeof SCENARIO_ERRORS

export interface ScenarioIssue {
  file: string
  /** 1-based; 0 when the scenario did not come from a file with positions */
  line: number
  col: number
  /** the field, e.g. channels[1].to */
  path: string
  message: string
}

export function formatIssue(i: ScenarioIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file
  return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`
}

/** The scenario file is not valid: every problem found, each with its line and column. Nothing was launched. */
export class ScenarioFileError extends LnsimError {
  readonly issues: ScenarioIssue[]
  constructor(issues: ScenarioIssue[], code: ScenarioErrorCode = 'INVALID_SCENARIO') {
    super(code, issues.map(formatIssue).join('\n'), { issues })
    this.name = 'ScenarioFileError'
    this.issues = issues
  }
}

/**
 * The network could not be brought up: a process did not start, funding or a channel did not confirm.
 * `code` is the scenario layer's, or that of the lower layer's error that stopped it (CHAIN_UNREACHABLE…).
 */
export class NetworkStartError extends LnsimError {
  constructor(
    message: string,
    code: ScenarioErrorCode | LnsimError['code'] = 'NETWORK_START_FAILED',
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details)
    this.name = 'NetworkStartError'
  }
}

/** A daemon process did not start or print its ready line. */
export class ProcessStartError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('PROCESS_START_FAILED', message, details)
    this.name = 'ProcessStartError'
  }
}

/** A step could not be carried out (not a payment that failed: that is an outcome, not an error). */
export class StepError extends LnsimError {
  constructor(message: string, code: ScenarioErrorCode = 'STEP_FAILED', details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'StepError'
  }
}

/** A wait or a bring-up phase ran out of time. */
export class ScenarioTimeoutError extends LnsimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('TIMEOUT', message, details)
    this.name = 'ScenarioTimeoutError'
  }
}

/**
 * The scenario layer's errors. Each has a stable code; the CLI maps them to
 * exit codes (2: the scenario is invalid or the network could not start).
 */
import { LnsimError } from '../core/errors.js'

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
  constructor(issues: ScenarioIssue[], code = 'INVALID_SCENARIO') {
    super(code, issues.map(formatIssue).join('\n'), { issues })
    this.name = 'ScenarioFileError'
    this.issues = issues
  }
}

/** The network could not be brought up: a process did not start, funding or a channel did not confirm. */
export class NetworkStartError extends LnsimError {
  constructor(message: string, code = 'NETWORK_START_FAILED', details: Record<string, unknown> = {}) {
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
  constructor(message: string, code = 'STEP_FAILED', details: Record<string, unknown> = {}) {
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

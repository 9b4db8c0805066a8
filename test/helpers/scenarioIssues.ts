/** The issues a scenario file's text is refused with; the test fails if the text is accepted. */
import { expect } from 'vitest'
import { ScenarioFileError, parseScenarioText, type ScenarioIssue } from '../../src/scenario/index.js'

export function scenarioIssues(text: string, file = 'test.yaml'): ScenarioIssue[] {
  try {
    parseScenarioText(text, file)
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioFileError)
    return (err as ScenarioFileError).issues
  }
  throw new Error('the scenario was accepted')
}

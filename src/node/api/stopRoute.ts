/**
 * POST /v1/stop: the node answers, then stops as it does on SIGTERM. The stop
 * starts once the answer has left, so the caller learns it was heard.
 */
import { StopResponse } from '../../api/node/stop.js'
import { route, type Route } from '../../api/http/route.js'

/**
 * How long the stop waits after answering: closing the API drops its connections, and the answer must have reached
 * the caller's socket by then (on loopback, well under a millisecond).
 */
export const STOP_AFTER_ANSWER_MS = 100

export function stopRoute(requestStop: () => void): Route {
  return route('POST', '/v1/stop', undefined, async (): Promise<StopResponse> => {
    setTimeout(requestStop, STOP_AFTER_ANSWER_MS)
    return StopResponse.parse({ stopping: true })
  })
}

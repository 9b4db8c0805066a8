/**
 * The control API's answers to intercepted HTLCs (`POST /v1/htlcs/intercept/answer`; the stream of held HTLCs is
 * `GET /v1/htlcs/intercept`) and the forwarding policy's view of each peer (`GET /v1/reputation`).
 */
import { fromHex } from '../../core/bytes.js'
import { InterceptAnswerRequest, type ReputationInfo } from '../../api/node/interception.js'
import { route, type Route } from '../../api/http/route.js'
import { FAILURE } from '../../routing/onion/failureCodes.js'
import type { NodeComponents } from '../components.js'
import { NodeError } from '../errors.js'
import type { InterceptAnswer } from '../payments/switch/htlcInterceptors.js'

const CODES_BY_NAME = new Map<string, number>(Object.entries(FAILURE).map(([n, c]) => [n.toLowerCase(), c]))

export function interceptionRoutes(node: NodeComponents): Route[] {
  return [
    route('POST', '/v1/htlcs/intercept/answer', InterceptAnswerRequest, async ({ body }) => {
      const answer: InterceptAnswer =
        body.action === 'fail'
          ? { action: 'fail', failureCode: failureCode(body.failureCode) }
          : body.action === 'settle'
            ? { action: 'settle', preimage: fromHex(body.preimage) }
            : body.action === 'hold'
              ? { action: 'hold', holdMs: body.holdMs }
              : { action: 'resume' }
      const r = node.switch.answerIntercepted(body.id, answer)
      // what the answer set off (a settlement, a forward) is on disk before the answer returns
      await node.durable.flush()
      return r
    }),
    route('GET', '/v1/reputation', undefined, async (): Promise<ReputationInfo> => {
      const policy = node.htlcPolicy
      return {
        policy: policy.kind,
        settings: 'params' in policy ? { ...(policy.params as object) } : {},
        peers: policy.peers(Date.now()),
      }
    }),
  ]
}

/** A failure code by number or by its BOLT #4 name; temporary_channel_failure when none is given. */
function failureCode(given: number | string | undefined): number {
  if (given === undefined) return FAILURE.TEMPORARY_CHANNEL_FAILURE
  if (typeof given === 'number') return given
  const code = CODES_BY_NAME.get(given)
  if (code === undefined)
    throw new NodeError(
      'INVALID_INTERCEPT_DECISION',
      `unknown failure code name ${given}: one of ${[...CODES_BY_NAME.keys()].join(', ')}, or a number`,
    )
  return code
}

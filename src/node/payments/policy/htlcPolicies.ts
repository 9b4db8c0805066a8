/** The forwarding policies a node can be started with, by the `kind` of its HtlcPolicySpec. */
import type { HtlcPolicySpec } from '../../../api/node/htlcPolicySpec.js'
import type { HtlcPolicy } from './htlcPolicy.js'
import { OpenPolicy } from './openPolicy.js'
import { DEFAULT_REPUTATION_PARAMS, ReputationPolicy } from './reputationPolicy.js'

/** `salt`: secret bytes of the node's own, for the choices its peers must not predict (see ReputationPolicy). */
export function createHtlcPolicy(spec: HtlcPolicySpec, salt: Uint8Array): HtlcPolicy {
  switch (spec.kind) {
    case 'default':
      return new OpenPolicy()
    case 'reputation': {
      const { kind: _kind, ...given } = spec
      const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
      return new ReputationPolicy({ ...DEFAULT_REPUTATION_PARAMS, ...set }, salt)
    }
  }
}

/**
 * How the runner Pod and the daemon Pods of `lnsim k8s` talk. Each daemon Pod
 * (the chain, and one per node) runs `lnsim k8s agent`: a small HTTP server on
 * AGENT_PORT that starts that Pod's daemon when the runner asks, with the
 * arguments the runner's network chose, and streams its output back. The
 * runner's network is then the same as in a local run (same arguments, ready
 * lines, restarts), only the processes live in their own Pods, reached by the
 * stable name of their Service.
 *
 * POST /start {args, nodeFlags}: 200 and NDJSON until the daemon exits, one of
 *   {"line": "…"}                 a line the daemon wrote (stdout or stderr)
 *   {"token": "…"}                the node's api.token, sent before its ready line is forwarded
 *   {"exit": {code, signal}}      the last line
 * POST /signal {signal}: SIGTERM or SIGKILL to the running daemon; 204.
 * GET /health: 200 once the agent listens.
 * Every request carries `Authorization: Bearer TOKEN` (the run's agent token).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'

/** The agent's port in every daemon Pod; the Services expose it. @default 9736 (beside Lightning's 9735) */
export const AGENT_PORT = 9736
/** The environment variable holding the run's agent token in every Pod. */
export const AGENT_TOKEN_ENV = 'LNSIM_AGENT_TOKEN'
/** The Pod and Service of the chain. */
export const CHAIN_SERVICE = 'chain'
/** Kubernetes object names are DNS-1123 labels: at most 63 characters. */
const MAX_NAME_LENGTH = 63

export const StartRequest = z.object({
  // the agent starts nothing but the daemons a scenario runs
  args: z
    .array(z.string().max(4096))
    .max(256)
    .refine((a) => (a[0] === 'chain' || a[0] === 'node') && a[1] === 'start', {
      message: 'the agent only runs `lnsim chain start` or `lnsim node start`',
    }),
  nodeFlags: z.array(z.string().regex(/^--[a-z0-9_-]+(=[A-Za-z0-9_.-]*)?$/)).max(32),
})
export type StartRequest = z.infer<typeof StartRequest>

export const SignalRequest = z.object({ signal: z.enum(['SIGTERM', 'SIGKILL']) })

export const AgentMessage = z.union([
  z.object({ line: z.string() }),
  z.object({ token: z.string() }),
  z.object({ exit: z.object({ code: z.number().int().nullable(), signal: z.string().nullable() }) }),
])
export type AgentMessage = z.infer<typeof AgentMessage>

/**
 * The Pod and Service of a scenario node: node-NAME, made a DNS label; a name that had to change (or be cut) gets a
 * short hash of the original, so two nodes never share one.
 */
export function nodeServiceName(node: string): string {
  const clean = node
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const fits = clean === node && 'node-'.length + clean.length <= MAX_NAME_LENGTH
  const suffix = fits ? '' : `-${createHash('sha256').update(node).digest('hex').slice(0, 6)}`
  const room = MAX_NAME_LENGTH - 'node-'.length - suffix.length
  return `node-${clean.slice(0, room).replace(/-+$/, '') || 'x'}${suffix}`
}

/** Where the runner finds the agent of the daemon a ProcessSpec names. */
export function agentHost(daemon: string): string {
  return daemon === CHAIN_SERVICE ? CHAIN_SERVICE : nodeServiceName(daemon)
}

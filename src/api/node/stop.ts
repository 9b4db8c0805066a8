/**
 * Asking a node to shut down (`lnsim stop`, lncli's `stop`): POST /v1/stop answers
 * first, then the node stops as on SIGTERM, writing its state before it exits.
 */
import { z } from 'zod'

export const StopResponse = z.object({ stopping: z.literal(true) })
export type StopResponse = z.infer<typeof StopResponse>

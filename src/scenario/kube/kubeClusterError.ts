import { LnsimError } from '../../core/errors.js'

/**
 * Why `lnsim k8s run` refused to start, or could not finish: a stable code and a message that says what to do.
 * NO_ENGINE (kubectl or podman missing or not working), NO_CLUSTER, NO_IMAGE, NAMESPACE_IN_USE, OVER_QUOTA,
 * ENGINE_FAILED (a command of the engine failed), NO_RESULTS (the runner left no results to copy).
 */
export class KubeClusterError extends LnsimError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details)
    this.name = 'KubeClusterError'
  }
}

import { LnsimError } from '../core/errors.js'

/** Thrown when a key, point, scalar or signature is not valid secp256k1 material. */
export class InvalidKeyError extends LnsimError {
  constructor(message: string) {
    super('INVALID_KEY', message)
    this.name = 'InvalidKeyError'
  }
}

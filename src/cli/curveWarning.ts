/**
 * Honest about speed: without the native secp256k1 module (no prebuilt binary
 * for the platform, e.g. linux-arm64 in Docker on Apple Silicon, and no
 * compiler to build one), every signature lnsim checks is done in JavaScript.
 * A node or a run says so once, with what it costs and how to get the native
 * build; `lnsim version --json` names the backend.
 */
import { curveBackend } from '../node/startNode.js'

/** LNSIM_CRYPTO=noble picks the JavaScript backend on purpose (to compare the two): no warning then. */
const CHOSEN_ON_PURPOSE = 'LNSIM_CRYPTO'

/**
 * What the JavaScript backend costs, from `npm run bench` (bench/results.md): verifying 333 signatures a second
 * instead of 16,585, ECDH 286 instead of 19,914.
 */
export const JS_VERIFY_SLOWDOWN = 50

export interface CurveBackendReport {
  /** libsecp256k1 (native) or noble (JavaScript) */
  backend: string
  native: boolean
}

export function curveBackendReport(): CurveBackendReport {
  const b = curveBackend()
  return { backend: b.name, native: b.native }
}

/** The one warning to print, or undefined when the native module is in use (or JavaScript was chosen). */
export function curveWarning(): string | undefined {
  const b = curveBackendReport()
  if (b.native || process.env[CHOSEN_ON_PURPOSE] === 'noble') return undefined
  return (
    `lnsim: warning: the native secp256k1 module did not load on ${process.platform}-${process.arch}, so signatures ` +
    `are checked in JavaScript (${b.backend}): about ${JS_VERIFY_SLOWDOWN}x slower to verify, which makes payments ` +
    `and channel openings several times slower. For the native build, install a C++ compiler, make and Python ` +
    `(e.g. build-essential), then run \`npm rebuild secp256k1\` in the lnsim folder.`
  )
}

/**
 * Structured logs: one JSON object per line in DATA_DIR/node.log, rotated by
 * size (node.log.1, node.log.2, …), and a short human line on stderr when it is
 * a terminal (or when asked). Levels filter both.
 */
import { DEFAULT_NODE_LIMITS } from '../api/node/limits.js'
import { toJson } from '../core/json.js'
import { RotatingLogFile, type Rotation } from './rotatingLogFile.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(scope: string): Logger
  close(): Promise<void>
}

export interface LoggerOptions {
  file?: string
  level: LogLevel
  /** human lines on stderr */
  console: boolean
  name: string
  /** when the file is rotated and how many files are kept; by default DEFAULT_NODE_LIMITS' */
  rotation?: Rotation
}

export function isLogLevel(v: string): v is LogLevel {
  return v in RANK
}

export function createLogger(options: LoggerOptions): Logger {
  const rotation = options.rotation ?? {
    maxBytes: DEFAULT_NODE_LIMITS.logMaxBytes,
    files: DEFAULT_NODE_LIMITS.logFiles,
  }
  const stream = options.file ? new RotatingLogFile(options.file, rotation) : undefined
  const min = RANK[options.level]
  const make = (scope: string): Logger => {
    const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
      if (RANK[level] < min) return
      const time = new Date().toISOString()
      stream?.write(toJson({ time, level, node: options.name, scope, msg, ...fields }) + '\n')
      if (options.console) {
        const extra = fields && Object.keys(fields).length ? ' ' + toJson(fields) : ''
        process.stderr.write(`${time.slice(11, 23)} ${level.padEnd(5)} ${options.name} ${scope}: ${msg}${extra}\n`)
      }
    }
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (s) => make(scope ? `${scope}:${s}` : s),
      close: () => stream?.close() ?? Promise.resolve(),
    }
  }
  return make('')
}

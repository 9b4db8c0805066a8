/**
 * A ProcessRunner for the runner Pod of `lnsim k8s run`: each daemon already
 * has its Pod, running `lnsim k8s agent` (agentProtocol.ts), and this runner
 * asks that agent, by the stable name of its Service, to start the daemon
 * with the arguments the network chose. Everything above it (bring-up,
 * restarts, the reports) is the local run's.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { request, type ClientRequest } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { API_TOKEN_FILE } from '../../api/node/locate.js'
import { ProcessStartError } from '../errors.js'
import {
  waitForReadyLine,
  type ManagedProcess,
  type ProcessExit,
  type ProcessRunner,
  type ProcessSpec,
} from '../network/processRunner.js'
import { AGENT_PORT, AgentMessage, agentHost } from './agentProtocol.js'

const OUTPUT_TAIL_LINES = 30
/** Between two tries to reach an agent whose Pod is still starting (image pull, DNS not yet answering). */
const AGENT_RETRY_MS = 500

export interface AgentRunnerOptions {
  token: string
  /** the agent of a daemon. @default agentHost() (`chain`, or node-NAME) on AGENT_PORT */
  addressOf?: (daemon: string) => { host: string; port: number }
  /** ms between SIGTERM and SIGKILL. @default 5000 */
  graceMs?: number
  /** ms to wait for the agent and then the daemon's ready line. @default 180000 (Pods pulling the image) */
  readyTimeoutMs?: number
}

function post(host: string, port: number, path: string, token: string, body: unknown): ClientRequest {
  const data = JSON.stringify(body)
  const req = request({
    host,
    port,
    path,
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(data),
    },
  })
  req.end(data)
  return req
}

class AgentDaemon implements ManagedProcess {
  ready: Record<string, unknown> = {}
  readonly lastOutput: string[] = []
  readonly pid = undefined
  exited!: Promise<ProcessExit>
  exit: ProcessExit | undefined

  constructor(
    readonly name: string,
    private readonly signal: (s: 'SIGTERM' | 'SIGKILL') => Promise<void>,
    private readonly graceMs: number,
  ) {}

  get running(): boolean {
    return this.exit === undefined
  }
  async stop(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    await this.signal('SIGTERM')
    const timer = setTimeout(() => void this.signal('SIGKILL'), this.graceMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }
  async kill(): Promise<ProcessExit> {
    if (this.exit) return this.exit
    await this.signal('SIGKILL')
    return this.exited
  }
}

export class AgentProcessRunner implements ProcessRunner {
  private readonly live = new Set<AgentDaemon>()
  private readonly graceMs: number
  private readonly readyTimeoutMs: number

  constructor(private readonly options: AgentRunnerOptions) {
    this.graceMs = options.graceMs ?? 5000
    this.readyTimeoutMs = options.readyTimeoutMs ?? 180_000
  }

  async start(spec: ProcessSpec, options: { signal?: AbortSignal } = {}): Promise<ManagedProcess> {
    options.signal?.throwIfAborted()
    const { host, port } = this.options.addressOf?.(spec.name) ?? { host: agentHost(spec.name), port: AGENT_PORT }
    const { token } = this.options
    const signal = (s: 'SIGTERM' | 'SIGKILL'): Promise<void> =>
      new Promise((done) => {
        const req = post(host, port, '/signal', token, { signal: s })
        req.once('response', (res) => {
          res.resume()
          done()
        })
        req.once('error', () => done())
      })
    const proc = new AgentDaemon(spec.name, signal, this.graceMs)
    const log = createWriteStream(spec.logFile, { flags: 'a' })
    log.on('error', () => {})
    const tail = proc.lastOutput
    const dataDir = spec.args[spec.args.indexOf('--data-dir') + 1]
    const describe = (what: string): string =>
      `${spec.name} (agent ${host}:${port}): ${what}` +
      `${tail.length ? `; its last output:\n  ${tail.join('\n  ')}` : ''}\n(log: ${spec.logFile})`

    let onReady: (ready: Record<string, unknown>) => void = () => {}
    let onRefused: (err: Error) => void = () => {}
    const deadline = Date.now() + this.readyTimeoutMs
    let current: ClientRequest | undefined
    let abandoned = false
    proc.exited = new Promise<ProcessExit>((settle) => {
      const attempt = (): void => {
        const req = post(host, port, '/start', token, { args: spec.args, nodeFlags: spec.nodeFlags ?? [] })
        current = req
        let writes = Promise.resolve()
        req.once('error', (err) => {
          if (proc.exit) return
          // the Pod is not there yet (its name does not resolve, nothing listens): wait for it, up to the deadline
          if (!abandoned && Date.now() < deadline && !options.signal?.aborted)
            return void setTimeout(attempt, AGENT_RETRY_MS)
          onRefused(new ProcessStartError(describe(`its agent cannot be reached: ${err.message}`), { name: spec.name }))
          settle((proc.exit = { code: null, signal: null }))
        })
        req.once('response', (res) => {
          if (res.statusCode !== 200) {
            let text = ''
            res.on('data', (c: Buffer) => (text += c.toString('utf8')))
            res.once('end', () => {
              onRefused(new ProcessStartError(describe(`its agent refused: ${res.statusCode} ${text.trim()}`)))
              settle((proc.exit = { code: null, signal: null }))
            })
            return
          }
          let exit: ProcessExit = { code: null, signal: null }
          createInterface({ input: res }).on('line', (raw) => {
            let parsed: ReturnType<typeof AgentMessage.safeParse>
            try {
              parsed = AgentMessage.safeParse(JSON.parse(raw))
            } catch {
              return
            }
            if (!parsed.success) return
            const m = parsed.data
            if ('token' in m) {
              // where the network reads a node's token, as from a node on this machine
              writes = writes.then(async () => {
                await mkdir(dataDir!, { recursive: true })
                await writeFile(join(dataDir!, API_TOKEN_FILE), m.token + '\n', { mode: 0o600 })
              })
            } else if ('exit' in m) {
              exit = { code: m.exit.code, signal: m.exit.signal as NodeJS.Signals | null }
            } else {
              log.write(m.line + '\n')
              tail.push(m.line)
              if (tail.length > OUTPUT_TAIL_LINES) tail.shift()
              if (!m.line.startsWith('{')) return
              try {
                const msg = JSON.parse(m.line) as { event?: unknown }
                if (msg && typeof msg === 'object' && msg.event === 'ready')
                  void writes.then(() => onReady(msg as Record<string, unknown>))
              } catch {
                // a log line that starts with a brace
              }
            }
          })
          // the stream ends when the daemon has exited, or when its Pod has gone
          res.once('close', () => {
            log.end()
            this.live.delete(proc)
            settle((proc.exit = exit))
          })
        })
      }
      attempt()
    })
    this.live.add(proc)

    try {
      proc.ready = await waitForReadyLine({
        name: spec.name,
        timeoutMs: this.readyTimeoutMs,
        signal: options.signal,
        exited: proc.exited,
        describe,
        listen: (ready, fail) => {
          onReady = ready
          onRefused = fail
        },
      })
    } catch (err) {
      abandoned = true
      current?.destroy()
      await proc.kill().catch(() => {})
      throw err
    }
    return proc
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((p) => p.stop().catch(() => undefined)))
  }
}

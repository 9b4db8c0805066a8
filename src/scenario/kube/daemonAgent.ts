/**
 * `lnsim k8s agent`: the process of a daemon Pod (see agentProtocol.ts). It
 * starts one daemon at a time, with the arguments the runner sends, listening
 * on the Pod's address, and streams its output back on the same response. The
 * daemon lives as long as that response: if the runner goes away (its Pod
 * deleted, the run interrupted), the agent kills the daemon, as a local
 * daemon stops when lnsim's end of its stdin closes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { timingSafeEqual } from 'node:crypto'
import { API_TOKEN_FILE } from '../../api/node/locate.js'
import { daemonEnv, defaultDaemonCommand } from '../network/processRunner.js'
import { SignalRequest, StartRequest, type AgentMessage } from './agentProtocol.js'

/** The largest request body the agent reads. @default 64 KiB (a node's arguments are a few hundred bytes) */
export const MAX_AGENT_BODY_BYTES = 64 * 1024

export interface AgentOptions {
  port: number
  host: string
  token: string
  /** where the daemon listens. @default 0.0.0.0: the Pod's address, which its URLs and announcement then name */
  daemonHost?: string
  /** the program and leading arguments of a daemon. @default this Node with the lnsim bundle */
  command?: string[]
}

function sameToken(given: string | undefined, token: string): boolean {
  const a = Buffer.from(given ?? '')
  const b = Buffer.from(`Bearer ${token}`)
  return a.length === b.length && timingSafeEqual(a, b)
}

async function body(req: IncomingMessage): Promise<unknown> {
  let size = 0
  const parts: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_AGENT_BODY_BYTES) throw new Error(`a request body over ${MAX_AGENT_BODY_BYTES} bytes`)
    parts.push(chunk)
  }
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown
}

function argAfter(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag)
  return i >= 0 ? args[i + 1] : undefined
}

export class DaemonAgent {
  private readonly server: Server
  private child: ChildProcess | undefined

  constructor(private readonly options: AgentOptions) {
    this.server = createServer((req, res) => void this.handle(req, res))
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.options.port, this.options.host, () => resolve())
    })
  }

  get port(): number {
    const address = this.server.address()
    return typeof address === 'object' && address ? address.port : this.options.port
  }

  async close(): Promise<void> {
    this.child?.kill('SIGKILL')
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refuse = (status: number, message: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }) + '\n')
    }
    if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200).end('ok\n')
    if (!sameToken(req.headers.authorization, this.options.token)) return refuse(401, 'a wrong or missing token')
    let raw: unknown
    try {
      raw = await body(req)
    } catch (err) {
      return refuse(400, `the body is not JSON: ${(err as Error).message}`)
    }
    if (req.method === 'POST' && req.url === '/signal') {
      const parsed = SignalRequest.safeParse(raw)
      if (!parsed.success) return refuse(400, parsed.error.issues[0]!.message)
      this.child?.kill(parsed.data.signal)
      return void res.writeHead(204).end()
    }
    if (req.method === 'POST' && req.url === '/start') {
      const parsed = StartRequest.safeParse(raw)
      if (!parsed.success) return refuse(400, parsed.error.issues[0]!.message)
      if (this.child) return refuse(409, 'this Pod already runs its daemon')
      const dataDir = argAfter(parsed.data.args, '--data-dir')
      // the Pod's data volume starts empty; the daemon expects the run folder's layout under it
      if (dataDir) await mkdir(dataDir, { recursive: true }).catch(() => {})
      return this.start(parsed.data, res)
    }
    refuse(404, `no ${req.method} ${req.url}`)
  }

  private start(request: StartRequest, res: ServerResponse): void {
    const [program, ...lead] = this.options.command ?? defaultDaemonCommand()
    const host = this.options.daemonHost ?? '0.0.0.0'
    const args = [...request.nodeFlags, ...lead, ...request.args, '--host', host, '--json']
    const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'], env: daemonEnv() })
    this.child = child
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    const send = (m: AgentMessage): boolean => res.write(JSON.stringify(m) + '\n')
    const dataDir = argAfter(request.args, '--data-dir')
    let queue = Promise.resolve()
    const onLine = (line: string): void => {
      // the token first, so the runner has it when it sees the node ready (it reads it as from a local node)
      queue = queue.then(async () => {
        if (dataDir && request.args[0] === 'node' && line.startsWith('{') && line.includes('"ready"')) {
          const token = await readFile(join(dataDir, API_TOKEN_FILE), 'utf8').catch(() => undefined)
          if (token !== undefined) send({ token: token.trim() })
        }
        send({ line })
      })
    }
    createInterface({ input: child.stdout! }).on('line', onLine)
    createInterface({ input: child.stderr! }).on('line', onLine)
    let exited = false
    const finish = (code: number | null, signal: string | null): void => {
      if (exited) return
      exited = true
      void queue.then(() => {
        if (this.child === child) this.child = undefined
        send({ exit: { code, signal } })
        res.end()
      })
    }
    child.once('error', (err) => {
      onLine(`the agent could not start the daemon: ${err.message}`)
      finish(null, null)
    })
    child.once('close', (code, signal) => finish(code, signal))
    // the runner hung up before the daemon exited: nobody will stop it any more
    res.once('close', () => !exited && child.kill('SIGKILL'))
  }
}

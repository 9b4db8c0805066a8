/**
 * A request with exactly the headers given (Host and Origin included), as a
 * browser sends them and fetch() would not let a test set: for the checks that
 * keep web pages of other sites out of lnsim's local servers.
 */
import { request } from 'node:http'

export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const { port } = new URL(url)
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => done({ status: res.statusCode ?? 0, json: text === '' ? {} : JSON.parse(text) }))
    })
    req.once('error', fail)
    req.end(body)
  })
}

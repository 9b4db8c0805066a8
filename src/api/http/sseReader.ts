/**
 * Reads a server-sent-event stream from a response body (the HTTP client's,
 * src/api/http/client.ts, or fetch's): the event streams of the chain daemon,
 * a node's control API and the dashboard, as lnsim's clients follow them.
 */

export interface SseMessage {
  event: string
  data: string
}

/**
 * Yields { event, data } for each message and ignores comments (heartbeats).
 * It ends when the body ends; the request's abort signal ends it too, as the
 * body then fails.
 */
export async function* readSse(body: AsyncIterable<Uint8Array> | null): AsyncGenerator<SseMessage> {
  if (!body) return
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      if (data.length > 0) yield { event, data: data.join('\n') }
    }
  }
}

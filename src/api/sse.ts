/**
 * A small server-sent-events reader over fetch: yields { event, data } for each
 * message, ignores comments (heartbeats), and stops when the signal aborts.
 */
export interface SseMessage {
  event: string
  data: string
}

export async function* readSse(response: Response, signal?: AbortSignal): AsyncGenerator<SseMessage> {
  if (!response.body) return
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = response.body.getReader()
  const onAbort = (): void => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
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
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

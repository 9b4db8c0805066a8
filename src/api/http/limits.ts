/**
 * What one client can cost lnsim's HTTP servers (the chain daemon, a node's
 * control API, the dashboard), and how long they keep a quiet connection, with
 * the defaults every server uses unless it says otherwise.
 */

/**
 * The largest request body a server reads; a larger one is answered 413
 * BODY_TOO_LARGE before it costs the server more memory. Well above the
 * largest bodies lnsim's own clients send (the scenario runner's faucet
 * batches of 1,000 payments, ~100 kB); a server may ask for less (the
 * dashboard takes only small replay commands).
 */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * How long an idle kept-alive connection stays open (Node's default is 5 s).
 * Clients keep their sockets between requests (client.ts), and a server whose
 * event loop lags (tens of processes on two cores) closes one that a request
 * has just reached: the client sees ECONNRESET. 50-node bring-ups failed so
 * before this was raised.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 60_000

/**
 * Unsent bytes one event-stream subscriber may hold in the server before it
 * is dropped. Twice the largest burst a server writes at once: mining 10,000
 * blocks in one request sends 10,000 block events of about 190 bytes, all
 * within one turn of the event loop, which a subscriber that reads cannot take
 * in before they are queued.
 */
export const SSE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024

/** Events waiting for the end of the event loop's turn are written once they reach this size. */
export const SSE_WRITE_CHUNK_BYTES = 64 * 1024

/** A comment this often keeps proxies and clients from taking a quiet stream for a dead one. */
export const SSE_HEARTBEAT_MS = 15_000

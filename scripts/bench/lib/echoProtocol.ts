/**
 * The protocol the loopback bound's echo peer answers (its own module: the peer's bundle must not pull in the measuring
 * side).
 */
export const ECHO_PROTOCOL = '/lnsim/bench-echo/1.0.0'

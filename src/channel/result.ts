/** What every handler returns: the next state and the effects to carry out, in order. */
import { utf8 } from '../core/bytes.js'
import type { ErrorMessage, Warning } from '../wire/messages.js'
import type { ChannelEffect, ChannelEvent } from './io.js'
import type { ChannelErrorCode } from './errors.js'
import type { ChannelData } from './states.js'

/** The answer to a command: what its caller needs, kept apart from the effects the node carries out. */
export type CommandReply = { ok: true; htlcId?: bigint } | { ok: false; code: ChannelErrorCode; message: string }

export interface StepResult {
  data: ChannelData
  effects: ChannelEffect[]
  /** set for every command input */
  reply?: CommandReply
}

export function result(data: ChannelData, ...effects: ChannelEffect[]): StepResult {
  return { data, effects }
}

export function event(e: ChannelEvent): ChannelEffect {
  return { type: 'event', event: e }
}

export function errorMsg(channelId: Uint8Array, text: string): ErrorMessage {
  return { type: 'error', channelId, data: utf8(text) }
}

export function warningMsg(channelId: Uint8Array, text: string): Warning {
  return { type: 'warning', channelId, data: utf8(text) }
}

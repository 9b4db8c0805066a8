/** BOLT #4 packet sizes ("Packet Structure") and the return packet's padding ("Returning Errors"). */

export const ONION_VERSION = 0
export const PUBLIC_KEY_LENGTH = 33
export const HOP_PAYLOADS_LENGTH = 1300
export const HMAC_LENGTH = 32
/** version (1) + public_key (33) + hop_payloads (1300) + hmac (32) */
export const ONION_PACKET_LENGTH = 1 + PUBLIC_KEY_LENGTH + HOP_PAYLOADS_LENGTH + HMAC_LENGTH

/** The erring node SHOULD pad failure_len + pad_len to exactly this, so every failure looks alike on the way back. */
export const FAILURE_PADDED_LENGTH = 256

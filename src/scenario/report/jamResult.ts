/** What a jam step did, as the summary reports it (run/jam.ts makes it). */
export interface JamResult {
  id: string | null
  attacker: string
  colluder: string
  mode: 'slow' | 'fast'
  /** the target channels, by name */
  targets: string[]
  /** HTLCs the attacker sent */
  sent: number
  /** of them, held by the colluder (slow) until cancelled */
  held: number
  /** HTLCs that came back failed before the colluder held them, by failure code (fast: all of them) */
  failures: Record<string, number>
  /** ms from the first HTLC sent to the last one resolved */
  durationMs: number
}

/**
 * What a process costs this machine, read from /proc: CPU time, resident
 * memory (RSS), and its private part (what it does not share with other
 * processes: the node binary's code pages are shared by every node process).
 */
import { readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100

/** user + system CPU seconds of a process so far */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/** user + system CPU seconds of several processes together */
export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((a, pid) => a + cpuSeconds(pid), 0)
}

export interface Memory {
  rssMb: number
  /** proportional: shared pages divided among the processes sharing them */
  pssMb: number
  /** private: pages no other process maps */
  privateMb: number
}

export function memory(pid: number): Memory {
  const kb = (key: string, text: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN)
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  return {
    rssMb: kb('Rss', text) / 1024,
    pssMb: kb('Pss', text) / 1024,
    privateMb: (kb('Private_Clean', text) + kb('Private_Dirty', text)) / 1024,
  }
}

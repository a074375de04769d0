/**
 * CPU time of other processes from Linux's own accounting (/proc/PID/stat), in clock ticks.
 * utime + stime there already sum every thread of the process (libuv pool, GC helpers). Memory
 * from /proc/PID/status.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/** `getconf CLK_TCK`: 100 on practically every Linux. */
export function clockTicksPerSecond (): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

export function procAvailable (): boolean {
  try {
    readFileSync('/proc/self/stat')
    return true
  } catch {
    return false
  }
}

interface ProcStat {
  comm: string
  ppid: number
  /** utime + stime */
  own: number
  /** cutime + cstime: children that have exited and been waited for */
  reaped: number
}

/** Fields of /proc/PID/stat; undefined when the process is gone or unreadable. */
export function readStat (pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // comm may contain spaces and parentheses: it ends at the last ')'.
  const close = text.lastIndexOf(')')
  const comm = text.slice(text.indexOf('(') + 1, close)
  const fields = text.slice(close + 2).split(' ')
  // fields[0] is field 3 (state) of proc(5), so field N is fields[N - 3].
  const field = (n: number): number => Number(fields[n - 3])
  return { comm, ppid: field(4), own: field(14) + field(15), reaped: field(16) + field(17) }
}

/** CPU ticks used so far by one process (all its threads). */
export function processTicks (pid: number): number | undefined {
  return readStat(pid)?.own
}

/**
 * CPU ticks used so far by a process and all its children, alive or exited: a PostgreSQL
 * postmaster with its backends and background workers. Children that exited during a window are
 * in the parent's cutime/cstime once reaped, which the postmaster does promptly.
 */
export function treeTicks (rootPid: number): number | undefined {
  const root = readStat(rootPid)
  if (root === undefined) return undefined
  let total = root.own + root.reaped
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (stat !== undefined && stat.ppid === rootPid) total += stat.own
  }
  return total
}

/** A memory field of /proc/PID/status in kB (VmRSS: resident now, VmHWM: the most ever); undefined when unreadable. */
export function statusKb (pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/**
 * Reads a process's VmRSS every `intervalMs` until `stop()`, which returns the highest reading in
 * kB (undefined when none could be read).
 */
export function watchRss (pid: number, intervalMs = 100): { stop: () => number | undefined } {
  let peak: number | undefined
  const read = (): void => {
    const kb = statusKb(pid, 'VmRSS')
    if (kb !== undefined && (peak === undefined || kb > peak)) peak = kb
  }
  read()
  const timer = setInterval(read, intervalMs)
  // Never the reason this process stays alive, should a caller fail to stop it.
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
      read()
      return peak
    }
  }
}

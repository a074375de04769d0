import { readFileSync } from 'node:fs'
import { codeOf } from './errors.js'

/** Alive and not a zombie: on machines whose init reaps late, `kill(pid, 0)` succeeds on zombies. */
export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if (codeOf(error) !== 'EPERM') return false
  }
  return processState(pid) !== 'Z'
}

export function isSameProcess (pid: number, startTime: string | undefined): boolean {
  if (!isAlive(pid)) return false
  // Guards against pid reuse (e.g. after a reboot) where /proc is available.
  const current = processStartTime(pid)
  return startTime === undefined || current === undefined || current === startTime
}

/** Fields after "pid (comm)" in /proc/PID/stat, Linux only. */
function procStat (pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

function processState (pid: number): string | undefined {
  return procStat(pid)?.[0]
}

export function processStartTime (pid: number): string | undefined {
  return procStat(pid)?.[19]
}

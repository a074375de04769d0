/**
 * The servers the scenarios run against. The app runs as in production: compiled JavaScript
 * (dist/, which run.ts builds first) under plain node. Its variants are the same build with one
 * feature off, so the difference to the app is that feature's cost. The baseline is one
 * TypeScript file, run through tsx.
 */
import type { ServerCommand } from './server-process.js'

export type Target = 'app' | 'app-no-rate-limit' | 'app-no-metrics' | 'baseline'

export interface TargetSpec {
  command: ServerCommand
  /** On top of the environment every server gets; undefined removes a variable. */
  env: Record<string, string | undefined>
}

export const APP_ENTRY = 'dist/src/server.js'
const BASELINE_ENTRY = 'bench/baseline-server.ts'

const APP_VARIANTS: Record<Exclude<Target, 'baseline'>, Record<string, string>> = {
  app: {},
  'app-no-rate-limit': { RATE_LIMIT_ENABLED: 'false' },
  'app-no-metrics': { METRICS_ENABLED: 'false' }
}

/** How to start `target`; with `profileDir`, the app's processes write a CPU profile there on exit. */
export function targetSpec (target: Target, profileDir: string | undefined): TargetSpec {
  if (target === 'baseline') return { command: { entry: BASELINE_ENTRY, nodeArgs: ['--import', 'tsx'] }, env: {} }
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${target}.cpuprofile`]
  return {
    command: { entry: APP_ENTRY, nodeArgs: profile },
    // `npm run bench` sets it for tsx; set to anything, it makes autoload look for TypeScript routes.
    env: { FASTIFY_AUTOLOAD_TYPESCRIPT: undefined, ...APP_VARIANTS[target] }
  }
}

export function commandLine (command: ServerCommand): string {
  return ['node', ...command.nodeArgs, command.entry].join(' ')
}

/**
 * `npm run lint:api`: lints openapi.json with Spectral (.spectral.yaml: spectral:oas and the OWASP
 * API Security ruleset, overrides explained there) and Redocly (redocly.yaml: recommended).
 * Fails on any error, and on any warning except the OWASP ruleset's, whose warnings are advice
 * (e.g. "a string should have a pattern" for free-text names) and are counted, not failed on.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name)

interface SpectralResult { code: string, severity: number, message: string, path: string[] }
interface RedoclyReport { totals: { errors: number, warnings: number }, problems: Array<{ ruleId: string, severity: string, message: string }> }

/** Both tools exit non-zero when they find errors; their JSON report is what counts. */
function run (command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const { stdout } = error as { stdout?: string }
    if (stdout === undefined || stdout.trim() === '') throw error
    return stdout
  }
}

const spectral = JSON.parse(run(bin('spectral'), ['lint', 'openapi.json', '--format', 'json', '--quiet'])) as SpectralResult[]
const redocly = JSON.parse(run(bin('redocly'), ['lint', 'openapi.json', '--format', 'json'])) as RedoclyReport

const owasp = (result: SpectralResult): boolean => result.code.startsWith('owasp:')
const count = (results: SpectralResult[], severity: number): number => results.filter((result) => result.severity === severity).length
const failures = [
  ...spectral.filter((result) => result.severity === 0 || (result.severity === 1 && !owasp(result)))
    .map((result) => `spectral ${result.code}: ${result.message} (${result.path.join('.')})`),
  ...redocly.problems.map((problem) => `redocly ${problem.ruleId} (${problem.severity}): ${problem.message}`)
]

const oas = spectral.filter((result) => !owasp(result))
const security = spectral.filter(owasp)
console.log(`spectral:oas  ${count(oas, 0)} errors, ${count(oas, 1)} warnings`)
console.log(`OWASP         ${count(security, 0)} errors, ${count(security, 1)} warnings (advice; rules turned off are in .spectral.yaml)`)
console.log(`redocly       ${redocly.totals.errors} errors, ${redocly.totals.warnings} warnings`)
for (const failure of failures) console.error(failure)
process.exitCode = failures.length === 0 ? 0 : 1

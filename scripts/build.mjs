// npm run build: compiles the service to dist/ with tsc, and writes dist/package.json, whose
// "imports" point the #src/#db/#plugins aliases at the compiled files (the root package.json
// points them at the TypeScript sources, for tsc, tsx and the tests). Plain JavaScript, so that
// it runs before anything is compiled.
//
// --if-stale (npm start's prestart): only when a source is newer than the last build, so a fresh
// clone's `npm start` builds first and later starts are immediate.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const stamp = path.join(root, 'dist', 'package.json')
const sources = ['src', 'plugins', 'routes', 'db', 'package.json', 'tsconfig.json', 'tsconfig.build.json']

function newestSource (entry) {
  const full = path.join(root, entry)
  const info = statSync(full)
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(info.mtimeMs, ...readdirSync(full).map((name) => newestSource(path.join(entry, name))))
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...sources.map(newestSource))) {
  process.exit(0)
}
process.stderr.write('compiling the TypeScript sources to dist/ (npm run build)\n')
// From scratch: a source file that was removed must not live on in dist/ (autoload would load it).
rmSync(path.join(root, 'dist'), { recursive: true, force: true })
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const compiled = Object.fromEntries(Object.entries(manifest.imports)
  .filter(([alias]) => ['#src/*', '#db/*', '#plugins/*'].includes(alias))
  .map(([alias, target]) => [alias, target]))
writeFileSync(path.join(root, 'dist', 'package.json'), JSON.stringify({
  name: `${manifest.name}-dist`,
  private: true,
  type: 'module',
  imports: compiled
}, null, 2) + '\n')

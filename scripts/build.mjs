// npm run build: compiles the service to dist/ with tsc, and writes dist/package.json, whose
// "imports" point the #src/#db/#plugins aliases at the compiled files (the root package.json
// points them at the TypeScript sources, for tsc, tsx and the tests). Plain JavaScript, so that
// it runs before anything is compiled.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
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

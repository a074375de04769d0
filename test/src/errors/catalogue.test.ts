import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { errorCatalogue } from '#src/errors/catalogue.js'
import { AppError, errors } from '#src/errors/index.js'
import { projectRoot } from '#test/helpers/process.js'

/** Application code: everything that can raise an error (the bench's baseline server shares no code, by design). */
const sourceDirs = ['src', 'plugins', 'routes', 'db', 'scripts']
const catalogueFile = path.join('src', 'errors', 'catalogue.ts')

async function sourceFiles (dir: string): Promise<string[]> {
  const entries = await readdir(path.join(projectRoot, dir), { withFileTypes: true })
  const nested = await Promise.all(entries.map(async (entry) => {
    const relative = path.join(dir, entry.name)
    if (entry.isDirectory()) return await sourceFiles(relative)
    return entry.name.endsWith('.ts') ? [relative] : []
  }))
  return nested.flat()
}

describe('the error catalogue', () => {
  test('every entry has a SCREAMING_SNAKE code, an error status and a message; every reason a message', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code)
      assert.ok(Number.isInteger(entry.status) && entry.status >= 400 && entry.status <= 599, code)
      assert.ok(entry.message.length > 0, code)
      for (const [reason, message] of Object.entries('reasons' in entry ? entry.reasons : {})) {
        assert.ok(typeof message === 'string' && message.length > 0, `${code}.${reason}`)
      }
    }
  })

  test('errors build from the catalogue: code, status, reason and params', () => {
    const error = errors.FORBIDDEN({ reason: 'roleRequired', params: { role: 'admin' } })
    assert.ok(error instanceof AppError)
    assert.deepEqual([error.code, error.statusCode, error.message, error.details], ['FORBIDDEN', 403, 'This needs the admin role or higher.', null])
    assert.equal(errors.LAST_OWNER().message, errorCatalogue.LAST_OWNER.message)
    const details = [{ field: '/x', message: 'is wrong' }]
    assert.deepEqual(errors.INVALID_INPUT({ details }).details, details)
  })

  test('no code is written as a string anywhere else in the application', async () => {
    const codes = new Set(Object.keys(errorCatalogue))
    const offenders: string[] = []
    for (const dir of sourceDirs) {
      for (const file of await sourceFiles(dir)) {
        if (file === catalogueFile) continue
        const text = await readFile(path.join(projectRoot, file), 'utf8')
        for (const match of text.matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)['"`]/g)) {
          if (codes.has(match[1] ?? '')) offenders.push(`${file}: ${match[0]}`)
        }
      }
    }
    assert.deepEqual(offenders, [], 'use errors.<CODE>() from src/errors instead of writing the code')
  })

  test('docs/api-conventions.md lists every code with its status, and no code the API does not have', async () => {
    const text = await readFile(path.join(projectRoot, 'docs', 'api-conventions.md'), 'utf8')
    const listed = new Map([...text.matchAll(/^\| (\d{3}) \| `([A-Z_]+)` \|/gm)].map((match) => [match[2] ?? '', Number(match[1])]))
    const catalogue = new Map(Object.entries(errorCatalogue).map(([code, entry]) => [code, entry.status]))
    assert.deepEqual(Object.fromEntries(listed), Object.fromEntries(catalogue))
  })
})

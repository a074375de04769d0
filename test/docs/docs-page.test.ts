/**
 * The docs page in a real browser (playwright-core driving Debian's chromium; CI installs it, see
 * .ci/run): it loads without a console error or CSP violation, and an integrator can authorize
 * with a token, "Try it out" on the product list and see the tenant's products. Skipped, saying
 * so, where no chromium is installed (CHROMIUM_PATH overrides where to look).
 */
import { existsSync } from 'node:fs'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser } from 'playwright-core'
import { buildTestApp, migratedDatabase, type TestDatabase } from '../helpers/app.js'
import { createProduct } from '../helpers/catalogue.js'
import { registerUser } from '../helpers/identity.js'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const available = existsSync(chromiumPath)
const STEP_TIMEOUT_MS = 15_000

/** A port nothing listens on now: the app is told it as PUBLIC_URL, the document's server, which "Try it out" calls. */
async function freePort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('the docs page', { skip: available ? false : `no chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)` }, () => {
  let database: TestDatabase | undefined
  let app: FastifyInstance
  let baseUrl = ''
  let browser: Browser | undefined

  before(async () => {
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    database = await migratedDatabase()
    app = await buildTestApp(database, { env: { PUBLIC_URL: baseUrl } })
    await app.listen({ port, host: '127.0.0.1' })
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] })
  })
  after(async () => {
    await browser?.close()
    try {
      await app?.close()
    } finally {
      await database?.drop()
    }
  })

  test('authorize, Try it out on the product list: the tenant\'s products, and no console errors', async () => {
    const owner = await registerUser(app)
    const product = await createProduct(app, owner, { name: 'Kaak with sesame' })
    const page = await browser!.newPage()
    page.setDefaultTimeout(STEP_TIMEOUT_MS)
    const problems: string[] = []
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`) })
    page.on('pageerror', (error) => { problems.push(`page error: ${error.message}`) })
    try {
      await page.goto(`${baseUrl}/docs/`, { waitUntil: 'networkidle' })
      assert.equal(await page.title(), 'Swagger UI')

      await page.click('button.authorize')
      await page.fill('.auth-container input', owner.access_token)
      await page.click('.auth-btn-wrapper button.authorize')
      await page.click('.auth-btn-wrapper button.btn-done')

      const operation = page.locator('#operations-products-listProducts')
      await operation.locator('.opblock-summary').click()
      await operation.locator('.try-out__btn').click()
      await operation.locator('tr[data-param-name="tenant_id"] input').fill(owner.tenant.id)
      await operation.locator('button.execute').click()
      const response = operation.locator('.live-responses-table .response').first()
      await response.locator('.response-col_status').filter({ hasText: '200' }).waitFor()
      const body = await response.locator('.response-col_description .microlight, .response-col_description pre').first().innerText()
      assert.match(body, new RegExp(product.id), body)
      assert.match(body, /Kaak with sesame/)
    } finally {
      await page.close()
    }
    assert.deepEqual(problems, [])
  })
})

/**
 * npm run explain: seeds 100,000 products in one tenant and 1,000,000 across 10 tenants into a
 * scratch database, then prints the plans and timings of the product list queries the API runs
 * (built by the same query functions), so index use can be checked after a schema change.
 * Uses DATABASE_URL's server (a fresh database, dropped afterwards) or an embedded one.
 */
import { mkdtemp, chmod, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { createDatabase } from '#db/database.js'
import { startEmbeddedPostgres } from '#db/embedded/index.js'
import { migrateToLatest } from '#db/migrator.js'
import { countProducts, productPageQuery, type ProductFilters, type ProductSort } from '#db/queries/products.js'
import { tenantScope } from '#db/tenant-scope.js'
import { loadConfig } from '#src/config.js'

const { config } = loadConfig()
const temp = config.DATABASE_URL === undefined ? await mkdtemp(path.join(os.tmpdir(), 'explain-')) : undefined
if (temp !== undefined) await chmod(temp, 0o755)
const embedded = temp === undefined ? undefined : await startEmbeddedPostgres({ dataDir: path.join(temp, 'pg'), persistent: false })
const adminUrl = config.DATABASE_URL ?? embedded!.url
const name = `explain_${Date.now()}`
const admin = new pg.Client({ connectionString: adminUrl })
await admin.connect()
await admin.query(`create database ${name}`)
const url = new URL(adminUrl)
url.pathname = `/${name}`
const { db } = createDatabase({ url: url.toString(), poolMax: 2, statementTimeoutMs: 0, connectionTimeoutMs: 5000 })

try {
  await migrateToLatest(db)
  const started = Date.now()
  await sql`insert into users (id, email, name, password_hash) values ('00000000-0000-7000-8000-000000000001', 'seed@example.com', 'Seed', 'x')`.execute(db)
  await sql`insert into tenants (id, name) select ('00000000-0000-7000-8000-' || lpad(g::text, 12, '0'))::uuid, 'Tenant ' || g from generate_series(1, 10) g`.execute(db)
  // Tenant 1 gets 100,000 products, the other nine 100,000 each: 1,000,000 in all.
  await sql`insert into products (id, tenant_id, name, description, price_cents, currency, stock, category, subcategory, sku, created_by, created_at, updated_at)
    select gen_random_uuid(), ('00000000-0000-7000-8000-' || lpad((1 + (g % 10))::text, 12, '0'))::uuid,
      (array['Latte','Espresso','Croissant','Bagel','Muffin','Tea','Juice','Scone','Cookie','Sandwich'])[1 + g % 10] || ' ' || g,
      null, (g * 37) % 10000, 'USD', (g * 13) % 50, (array['hot-drinks','bakery','cold-drinks','food','frozen','deli','snacks','household'])[1 + (g / 10) % 8], null, null,
      '00000000-0000-7000-8000-000000000001', now() - (g || ' seconds')::interval, now()
    from generate_series(1, 1000000) g`.execute(db)
  // Seeded straight into the table, so the totals are set here (the API's inserts keep them).
  await sql`insert into product_counts (tenant_id, slot, total) select tenant_id, 0, count(*) from products group by tenant_id`.execute(db)
  await sql`vacuum analyze products`.execute(db)
  process.stdout.write(`seeded 1,000,000 products (100,000 in the measured tenant) in ${Date.now() - started} ms\n\n`)

  const scope = tenantScope('00000000-0000-7000-8000-000000000001')
  const cases: Array<[string, ProductFilters, ProductSort]> = [
    ['default (-created_at)', {}, { field: 'created_at', direction: 'desc' }],
    ['sort=name', {}, { field: 'name', direction: 'asc' }],
    ['sort=-price_cents', {}, { field: 'price_cents', direction: 'desc' }],
    ['sort=stock', {}, { field: 'stock', direction: 'asc' }],
    ['category=bakery', { category: 'bakery' }, { field: 'created_at', direction: 'desc' }],
    ['category=bakery&sort=-price_cents', { category: 'bakery' }, { field: 'price_cents', direction: 'desc' }],
    ['q=latte', { q: 'latte' }, { field: 'created_at', direction: 'desc' }],
    ['q=latte 12', { q: 'latte 12' }, { field: 'created_at', direction: 'desc' }],
    ['min_price..max_price', { min_price: 1000, max_price: 1100 }, { field: 'price_cents', direction: 'asc' }],
    ['in_stock=true', { in_stock: true }, { field: 'created_at', direction: 'desc' }]
  ]
  const window = { limit: 25, offset: 0 }
  for (const [label, filters, sort] of cases) {
    process.stdout.write(`== ${label}\n`)
    // The page and its total are one statement (the total an uncorrelated subquery).
    const compiled = productPageQuery(db, scope, filters, sort, window).compile()
    const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers off, costs off, summary on) ${compiled.sql.replaceAll(/\$(\d+)/g, (_match: string, index: string) => literal(compiled.parameters[Number(index) - 1]))}`).execute(db)
    const plan = rows.map((row) => row['QUERY PLAN'])
    const scans = plan.filter((line) => /Scan|Sort/.test(line)).map((line) => line.trim().replace(/\s+\(actual.*$/, '')).slice(0, 4)
    const time = plan.find((line) => line.startsWith('Execution Time'))
    process.stdout.write(`   ${String(time).replace('Execution Time: ', '').padStart(12)}   ${scans.join(' | ')}\n`)
    if (Object.keys(filters).length === 0) {
      const timed = Date.now()
      for (let i = 0; i < 100; i++) await countProducts(db, scope, filters)
      process.stdout.write(`   total via countProducts (product_counts): ${((Date.now() - timed) / 100).toFixed(3)} ms per call, round trip included\n`)
    }
  }
} finally {
  await db.destroy()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.end()
  await embedded?.stop()
  if (temp !== undefined) await rm(temp, { recursive: true, force: true })
}

function literal (value: unknown): string {
  if (typeof value === 'number') return String(value)
  return `'${String(value).replaceAll("'", "''")}'`
}

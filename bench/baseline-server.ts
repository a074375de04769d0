/**
 * The benchmark's yardstick: what a minimal, single-file Fastify + pg server does for "get one
 * product", written the way a typical small service would be. It shares nothing with the app's
 * code: the same HS256 token checks (issuer, audience), the same tenant check, one unnamed query
 * on a pool of the same size, and Fastify's default JSON.stringify serialization.
 *
 * Environment: HOST, PORT, DATABASE_URL, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, DB_POOL_MAX, LOG_LEVEL.
 */
import Fastify from 'fastify'
import jwt from '@fastify/jwt'
import pg from 'pg'

const env = process.env
const issuer = env.JWT_ISSUER ?? 'retail-ops-api'
const audience = env.JWT_AUDIENCE ?? 'retail-ops-api'
if (env.DATABASE_URL === undefined || env.JWT_SECRET === undefined) {
  process.stderr.write('baseline-server needs DATABASE_URL and JWT_SECRET\n')
  process.exit(1)
}

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_MAX ?? 20) })
pool.on('error', () => {})

const app = Fastify({ logger: { level: env.LOG_LEVEL ?? 'warn' } })
await app.register(jwt, {
  secret: env.JWT_SECRET,
  verify: { algorithms: ['HS256'], allowedIss: issuer, allowedAud: audience }
})
app.addHook('onClose', async () => { await pool.end() })

interface ProductParams {
  tenant_id: string
  product_id: string
}

app.get<{ Params: ProductParams }>('/api/v1/tenants/:tenant_id/products/:product_id', {
  // An invalid or missing token becomes @fastify/jwt's 401.
  onRequest: async (request) => { await request.jwtVerify() }
}, async (request, reply) => {
  const { tenant_id: tenantId, product_id: productId } = request.params
  if (request.user.tenant_id !== tenantId) {
    return await reply.code(403).send({ data: null, error: { code: 'TENANT_MISMATCH', message: 'The token belongs to another tenant.' } })
  }
  const { rows } = await pool.query(
    `select id, tenant_id, name, description, price_cents, currency, stock, category, subcategory, sku,
            created_by, created_at, updated_at
       from products
      where tenant_id = $1 and id = $2`,
    [tenantId, productId]
  )
  if (rows.length === 0) {
    return await reply.code(404).send({ data: null, error: { code: 'NOT_FOUND', message: 'No such product.' } })
  }
  return { data: rows[0], error: null }
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}

await app.listen({ host: env.HOST ?? '127.0.0.1', port: Number(env.PORT ?? 3001) })

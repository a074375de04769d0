import fp from 'fastify-plugin'
import { createCursorCodec, type CursorCodec } from '#src/services/cursor.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and checks the opaque cursors of keyset-paginated lists (orders, later events). */
    cursors: CursorCodec
  }
}

export default fp(async (app) => {
  app.decorate('cursors', createCursorCodec(app.config.JWT_SECRET))
}, { name: 'cursors', dependencies: ['config'] })

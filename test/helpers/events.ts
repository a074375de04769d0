import type { FastifyInstance } from 'fastify'

/** Events are numbered just after their commit (the sequencer): waits until the inbox is empty (at most 2 s). */
export async function eventsNumbered (app: FastifyInstance): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { pending } = await app.db.selectFrom('event_inbox').select((eb) => eb.fn.countAll<number>().as('pending')).executeTakeFirstOrThrow()
    if (Number(pending) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('events still unnumbered after 2 s')
}

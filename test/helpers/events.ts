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

/**
 * After a write: its events are numbered and this instance has handled the sequencer's NOTIFY,
 * which (without Redis) also clears its in-memory response cache for the tenant. With Redis
 * nothing is cleared on notification, so numbering is enough.
 */
export async function writesSettled (app: FastifyInstance): Promise<void> {
  await eventsNumbered(app)
  if (app.redis !== null) return
  if (!await app.pgListener.caughtUp(2000)) throw new Error('the events NOTIFY was not heard within 2 s')
}

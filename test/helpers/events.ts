import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { EVENTS_CHANNEL } from '#db/queries/events.js'

/** Events are numbered just after their commit (the sequencer): waits until the inbox is empty (at most 2 s). */
export async function eventsNumbered (app: FastifyInstance): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { pending } = await app.db.selectFrom('event_inbox').select((eb) => eb.fn.countAll<number>().as('pending')).executeTakeFirstOrThrow()
    if (Number(pending) === 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('events still unnumbered after 2 s')
}

const barriers = new WeakMap<FastifyInstance, Map<string, () => void>>()

/**
 * After a write: its events are numbered and this instance has handled the sequencer's NOTIFY,
 * which (without Redis) also clears its in-memory response cache for the tenant. Waits for a
 * NOTIFY of its own sent after that one: notifications arrive, and are handled, in order. With
 * Redis nothing is cleared on notification, so numbering is enough.
 */
export async function writesSettled (app: FastifyInstance): Promise<void> {
  await eventsNumbered(app)
  if (app.redis !== null) return
  let waiting = barriers.get(app)
  if (waiting === undefined) {
    const pending = new Map<string, () => void>()
    app.pgListener.on(EVENTS_CHANNEL, (payload) => { pending.get(payload)?.() })
    barriers.set(app, pending)
    waiting = pending
  }
  // No ':' in it, so the events plugin reads no tenant from it.
  const token = `settled-${randomUUID()}`
  const heard = new Promise<void>((resolve) => { waiting.set(token, resolve) })
  await sql`select pg_notify(${EVENTS_CHANNEL}, ${token})`.execute(app.db)
  const timeout = new Promise<never>((_resolve, reject) => { setTimeout(() => { reject(new Error('the events NOTIFY was not heard within 2 s')) }, 2000).unref() })
  try {
    await Promise.race([heard, timeout])
  } finally {
    waiting.delete(token)
  }
}

import type { Tx } from './database.js';

/** A domain event as written to the outbox: `type` such as `purchase_order.drafted`, a JSON-able payload. */
export type NewEvent = { type: string; subject?: string | null; payload: unknown };

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when
 * the change it reports was committed. Delivery (webhooks, the SSE stream) reads them afterwards.
 */
export async function appendEvents(tx: Tx, events: NewEvent[], now: number): Promise<void> {
  if (events.length === 0) return;
  await tx
    .insertInto('outbox_events')
    .values(
      events.map((event) => ({
        type: event.type,
        subject: event.subject ?? null,
        payload: JSON.stringify(event.payload),
        created_at: now,
      })),
    )
    .execute();
}

import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a card id read aloud or typed from a label is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 10;
const CARD_ID = /^K[0-9A-HJKMNP-TV-Z]{10}$/;

/**
 * A new kanban card id: `K` and 10 random base32 characters (50 bits from the system's secure random
 * source), e.g. `K7M2Q9XD4TB`. Printed on the label and in its QR code, so it never changes and cannot be
 * guessed from another card's id.
 */
export function newKanbanCardId(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(7);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let id = 'K';
  for (let i = 0; i < RANDOM_CHARS; i++) {
    id += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  }
  return id;
}

/** A card id as typed or scanned, upper-cased; undefined when it cannot be a card id. */
export function normaliseKanbanCardId(raw: string): string | undefined {
  const id = raw.trim().toUpperCase();
  return CARD_ID.test(id) ? id : undefined;
}

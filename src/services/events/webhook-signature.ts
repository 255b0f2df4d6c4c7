import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new webhook secret: 32 random bytes, base64url, prefixed so it is recognisable in a config file. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `Leanstock-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256>` where the
 * HMAC is taken with the secret over `"<t>.<raw body>"`. Binding the timestamp lets receivers refuse
 * replays of old deliveries.
 *
 * @example signWebhookBody('whsec_x', '{"id":1}', 1767225600) // 't=1767225600,v1=…'
 */
export function signWebhookBody(secret: string, rawBody: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/**
 * Checks a `Leanstock-Signature` header against the raw body, in constant time, and that its timestamp
 * is within `toleranceSeconds` of `nowSeconds`. Receivers written in Node can copy this function.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  rawBody: string,
  options: { nowSeconds: number; toleranceSeconds?: number },
): boolean {
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = Number(fields.get('t')?.[0]);
  if (!Number.isInteger(t) || Math.abs(options.nowSeconds - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'));
  return (fields.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

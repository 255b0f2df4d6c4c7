import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** A random URL-safe secret of `bytes` bytes (32 by default: 256 bits). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Session, token, invitation and recovery secrets are random and long, so a plain SHA-256 is enough at rest. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

// scrypt with N = 2^15, r = 8, p = 3: one of the OWASP password storage cheat sheet's equivalent minimum settings,
// with 32 MiB per check rather than 128 MiB (N = 2^17, p = 1) so that a small server can sign several users in at once.
const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keyLength: 32, maxmem: 64 * 1024 * 1024 };

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, SCRYPT.keyLength, { ...params, maxmem: SCRYPT.maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, so the parameters can be raised later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;
/** Spends the time of one password check, so an unknown username answers no faster than a wrong password. */
export async function spendPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('leanstock-dummy-password');
  await verifyPassword(password, await dummyHash);
}

import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { readObject } from '../../domain/catalogue/field-readers.js';
import { DomainError, type FieldProblem, throwIfProblems } from '../../domain/errors.js';
import { type Database, type Tx, writeTransaction } from '../../store/database.js';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { sha256, verifyPassword } from './secrets.js';
import { findUserRowById, type UserRow } from './users.service.js';

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Leanstock';
// A code is accepted from the step before to the step after the current one: phones' clocks drift.
const TOLERANCE_SECONDS = 30;

export type MfaSetup = { secret: string; otpauth_url: string; qr_svg: string };

/** Starts MFA set-up: a new secret (not yet required at sign-in) to scan into a phone authenticator. */
export async function setUpMfa(database: Database, userId: number, ctx: ServiceContext): Promise<MfaSetup> {
  const secret = generateSecret();
  const user = await writeTransaction(database, async (tx) => {
    const row = (await findUserRowById(tx, userId))!;
    if (row.mfa_enabled === 1) {
      throw new DomainError(
        'LS_INVALID_STATE',
        'Multi-factor sign-in is already on; turn it off first to set up a new phone',
      );
    }
    await tx.updateTable('users').set({ mfa_secret: secret, updated_at: ctx.now }).where('id', '=', userId).execute();
    return row;
  });
  const otpauthUrl = generateURI({ issuer: ISSUER, label: user.username, secret });
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauth_url: otpauthUrl, qr_svg: qrSvg };
}

/** Turns MFA on once the user proves the phone has the secret; answers the recovery codes, shown only now. */
export async function enableMfa(
  database: Database,
  userId: number,
  raw: unknown,
  ctx: ServiceContext,
): Promise<{ recovery_codes: string[] }> {
  const code = readCode(raw);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  return writeTransaction(database, async (tx) => {
    const user = (await findUserRowById(tx, userId))!;
    if (user.mfa_enabled === 1) throw new DomainError('LS_INVALID_STATE', 'Multi-factor sign-in is already on');
    if (user.mfa_secret === null)
      throw new DomainError('LS_INVALID_STATE', 'Set up multi-factor sign-in first (POST /api/v1/auth/mfa/setup)');
    const step = await totpStep(user.mfa_secret, code, ctx.now, null);
    if (step === undefined) throw wrongCode();
    await tx
      .updateTable('users')
      .set({ mfa_enabled: 1, mfa_last_step: step, updated_at: ctx.now })
      .where('id', '=', userId)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ user_id: userId, code_hash: recoveryHash(c), used_at: null })))
      .execute();
    await recordAudit(tx, ctx, {
      entity: 'user',
      entityKey: user.username,
      action: 'mfa_enable',
      before: null,
      after: null,
    });
    return { recovery_codes: codes };
  });
}

/** Turns MFA off; the password is asked again so that an unattended session cannot do it. */
export async function disableMfa(database: Database, userId: number, raw: unknown, ctx: ServiceContext): Promise<void> {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  const password = input?.['password'];
  if (input && typeof password !== 'string') problems.push({ field: 'password', message: 'is required' });
  throwIfProblems(problems);
  const user = await database.db
    .selectFrom('users')
    .select(['password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (user.password_hash === null || !(await verifyPassword(password as string, user.password_hash))) {
    throw new DomainError('LS_INVALID_CREDENTIALS', 'password: is not your password', [
      { field: 'password', message: 'is not your password' },
    ]);
  }
  await writeTransaction(database, async (tx) => {
    const row = (await findUserRowById(tx, userId))!;
    await tx
      .updateTable('users')
      .set({ mfa_enabled: 0, mfa_secret: null, mfa_last_step: null, updated_at: ctx.now })
      .where('id', '=', userId)
      .execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await recordAudit(tx, ctx, {
      entity: 'user',
      entityKey: row.username,
      action: 'mfa_disable',
      before: null,
      after: null,
    });
  });
}

/**
 * Checks a sign-in's second factor in the caller's transaction: a current TOTP code not used before, or an unused
 * recovery code, which is then spent. False when neither.
 */
export async function checkSecondFactor(tx: Tx, user: UserRow, code: string, now: number): Promise<boolean> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed) && user.mfa_secret !== null) {
    const step = await totpStep(user.mfa_secret, trimmed, now, user.mfa_last_step);
    if (step === undefined) return false;
    // The condition makes two concurrent sign-ins with one code race to a single winner.
    const updated = await tx
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
  const spent = await tx
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', user.id)
    .where('code_hash', '=', recoveryHash(trimmed))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1;
}

export async function remainingRecoveryCodes(tx: Tx, userId: number): Promise<number> {
  const row = await tx
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function totpStep(
  secret: string,
  code: string,
  now: number,
  lastStep: number | null,
): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(lastStep !== null && { afterTimeStep: lastStep }),
  });
  return result.valid && 'timeStep' in result ? Number(result.timeStep) : undefined;
}

function readCode(raw: unknown): string {
  const problems: FieldProblem[] = [];
  const input = readObject(raw, problems);
  const code = input?.['code'];
  if (input && (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())))
    problems.push({ field: 'code', message: 'must be the 6-digit code your authenticator app shows' });
  throwIfProblems(problems);
  return (code as string).trim();
}

function wrongCode(): DomainError {
  return new DomainError(
    'LS_VALIDATION',
    'code: is not the current code; check the phone’s clock and try the next one',
    [{ field: 'code', message: 'is not the current code' }],
  );
}

// Recovery codes: ten characters from an alphabet without look-alikes (no 0/o, 1/l/i), shown as `xxxxx-xxxxx`.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function recoveryHash(code: string): string {
  return sha256(code.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

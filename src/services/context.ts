/** Who is acting and when; passed into every use case so services never read a global clock. */
export type ServiceContext = {
  actor: string;
  /** Epoch milliseconds. */
  now: number;
  /** When set, a retried call returns the first call's result instead of acting again. */
  idempotencyKey?: string | undefined;
};

export function systemContext(actor: string, now = Date.now()): ServiceContext {
  return { actor, now };
}

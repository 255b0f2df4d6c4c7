import { DomainError, type FieldProblem, moreProblems } from '../errors.js';

export type LeadTimeDemandInput = {
  /** d, mean demand per day, units/day. */
  meanPerDay: number;
  /** σ_d, standard deviation of demand per day, units/day. */
  sdPerDay: number;
  /** L, mean lead time, days. */
  leadTimeDays: number;
  /** σ_L, standard deviation of the lead time, days (default 0: a fixed lead time). */
  leadTimeSdDays?: number | undefined;
};

export type LeadTimeDemand = {
  /** d·L, units. */
  mean: number;
  /** √(L·σ_d² + d²·σ_L²), units. */
  sd: number;
};

/**
 * Demand over a lead time of L days when daily demands are independent with mean d and s.d. σ_d, and the lead time is
 * independent of demand with mean L and s.d. σ_L (a random sum):
 *   mean = d·L,   σ = √(L·σ_d² + d²·σ_L²).
 * With σ_L = 0 this is σ_d·√L. Daily forecast errors are in fact correlated for smoothing methods, so this σ is the
 * usual approximation, not an exact h-step variance.
 *
 * Sources: Silver, Pyke & Thomas, *Inventory and Production Management in Supply Chains*, 4th ed. (2017), ch. 6;
 * Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed. (2019), ch. 5. Units: d, σ_d units/day; L, σ_L days.
 *
 * @example computeLeadTimeDemand({ meanPerDay: 100, sdPerDay: 20, leadTimeDays: 4, leadTimeSdDays: 1 })
 *   // mean 400, σ = √(4·400 + 10000·1) = √11600 ≈ 107.70
 */
export function computeLeadTimeDemand(input: LeadTimeDemandInput): LeadTimeDemand {
  const { meanPerDay: d, sdPerDay: sd, leadTimeDays: L } = input;
  const sL = input.leadTimeSdDays ?? 0;
  const problems: FieldProblem[] = [];
  const check = (field: string, value: number) => {
    if (!(Number.isFinite(value) && value >= 0))
      problems.push({ field, message: 'must be a finite number ≥ 0', value });
  };
  check('mean_per_day', d);
  check('sd_per_day', sd);
  check('lead_time_days', L);
  check('lead_time_sd_days', sL);
  if (problems.length > 0) {
    const more = moreProblems(problems.length - 1);
    throw new DomainError('LS_VALIDATION', `${problems[0]!.field}: ${problems[0]!.message}${more}`, problems);
  }
  return { mean: d * L, sd: Math.sqrt(L * sd * sd + d * d * sL * sL) };
}

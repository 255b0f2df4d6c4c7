import type { Database } from '../../store/database.js';
import type { ServiceContext } from '../context.js';

/** What a late-risk check found. */
export type LateRiskReport = {
  /** Confirmed orders checked. */
  checked: number;
  /** Orders now at risk, with the note naming the slipped supply. */
  at_risk: Array<{ number: string; note: string }>;
  /** Orders whose risk has gone. */
  cleared: string[];
};

/**
 * Re-checks every confirmed customer order's waiting pegs against their supplies' current dates (a purchase line's
 * promised or expected date, a production order's due date) and sets late risk with a note naming the slipped
 * supply; for the scheduler and the CLI.
 */
export async function checkLateRisk(_database: Database, _ctx: ServiceContext): Promise<LateRiskReport> {
  throw new Error('not implemented yet');
}

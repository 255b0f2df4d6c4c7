import { expect } from 'vitest';
import type { CliRunner } from './cli.js';

/** 2026-06-01 12:00 in Berlin, where the workshop is: "today" of the desk workshop's CLI tests. */
export const DESK_WORKSHOP_NOW = Date.UTC(2026, 5, 1, 10);

/**
 * Sets up, through the CLI, a workshop WS (Europe/Berlin) that makes desks to order for the customer BISTRO:
 * DESK (2 days to make) = TOP + 4 LEG + 16 SCREW (with `screwScrap`, a fraction, if given); TOP (1 day) = 2 BOARD;
 * LEG bought from STEEL in 3 days, BOARD from TIMBER in 5; 100 SCREW on hand at WS.
 */
export async function seedDeskWorkshop(cli: CliRunner, options: { screwScrap?: number } = {}): Promise<void> {
  const screwLine = options.screwScrap === undefined ? 'SCREW:16' : `SCREW:16:${options.screwScrap}`;
  const setup = [
    ['location', 'add', 'WS', 'Workshop', '--time-zone', 'Europe/Berlin'],
    ['item', 'add', 'DESK', 'Oak desk'],
    ['item', 'add', 'TOP', 'Desk top'],
    ['item', 'add', 'LEG', 'Steel leg'],
    ['item', 'add', 'BOARD', 'Oak board'],
    ['item', 'add', 'SCREW', 'Wood screw'],
    ['supplier', 'add', 'STEEL', 'Steelworks', '--lead-time-days', '3'],
    ['supplier', 'add', 'TIMBER', 'Timber & Co', '--lead-time-days', '5'],
    ['source', 'add', 'LEG', 'STEEL', '--unit-price', '4'],
    ['source', 'add', 'BOARD', 'TIMBER', '--unit-price', '12'],
    ['bom', 'add', 'TOP', '--lead-time', '1', '--line', 'BOARD:2'],
    ['bom', 'add', 'DESK', '--lead-time', '2', '--line', 'TOP:1', '--line', 'LEG:4', '--line', screwLine],
    ['policy', 'set', 'DESK', 'WS', '--kind', 'make_to_order'],
    ['move', 'receipt', 'SCREW', 'WS', '100'],
    ['customer', 'add', 'BISTRO', 'Bistro Nord'],
  ];
  for (const argv of setup) {
    const result = await cli(...argv);
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
  }
}

/**
 * Planning: from a demand history, a lead time and a strategy to a recommended policy with its explanation. Pure
 * functions and the plain data that flows between the planning parts (see types.ts).
 */
export * from './forecast-demand.js';
export * from './recommend.js';
export * from './types.js';

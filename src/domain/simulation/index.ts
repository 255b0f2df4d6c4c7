export * from './random.js';
export * from './simulate-item.js';
export * from './types.js';
export * from './validate-simulation.js';

export * from './balance.js';
export * from './movement.js';

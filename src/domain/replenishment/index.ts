export * from './local-time.js';
export * from './order-sizing.js';
export * from './policy.js';
export * from './review-schedule.js';
export * from './supplier-choice.js';
export * from './trigger.js';

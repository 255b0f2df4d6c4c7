/**
 * `leanstock/policy`: textbook inventory calculators as pure functions, and the registry behind
 * `leanstock calc` and `POST /api/v1/calc/{model}`. Conventions follow Snyder & Shen, *Fundamentals of Supply Chain
 * Theory*, 2nd ed. (2019); see docs/calculators.md.
 */
export * from './base-stock.js';
export type { FieldSpec, FieldType, OutputSpec } from './calculator-fields.js';
export * from './calculators.js';
export * from './distributions.js';
export * from './eoq.js';
export * from './newsvendor.js';
export * from './r-q.js';
export * from './s-s.js';
export * from './safety-stock.js';
export * from './wagner-whitin.js';

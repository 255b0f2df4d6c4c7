/** Production: bills of materials and the requirement explosion (MRP with pegging and promise dates). Pure. */
export * from './bom.js';
export * from './explode.js';

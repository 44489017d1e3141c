// The verdict engine: URL canonicalization, the compact threat database and its deltas,
// custom indicators, look-alike detection and the verdict itself. Pure ECMAScript.
export * from './canonical.js';
export * from './delta.js';
export { FormatError } from './binary.js';
export * from './format.js';
export * from './indicator-rules.js';
export * from './lookalike.js';
export * from './target.js';
export * from './threat-db.js';
export * from './verdict.js';
export * from './lists.js';
export * from './explain.js';

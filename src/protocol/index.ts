export * from './enums.js';
export * from './errors.js';
export * from './device.js';
export * from './admin.js';
export * from './reports.js';
export * from './indicators.js';
export * from './policies.js';

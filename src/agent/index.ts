export * from './adapter.js';
export * from './agent.js';
export * from './device-api.js';
export * from './simulated-ios.js';
export * from './simulated-fleet.js';

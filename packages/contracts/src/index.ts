export * from './roles.js';
export * from './services.js';
export * from './events.js';
export * from './integration-events.js';
export * from './internal-api.js';
export * from './public-api.js';
export * from './event-input.js';

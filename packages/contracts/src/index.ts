export * from './roles.js';
export * from './services.js';
export * from './events.js';

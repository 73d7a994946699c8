export * from './processes.js';
export * from './http.js';
export * from './stack.js';
export * from './journey.js';
export * from './web-app.js';
export * from './pki.js';
export * from './postgres-role.js';
export * from './redis-users.js';

export * from './processes.js';
export * from './http.js';
export * from './stack.js';

export { createStripeStandin, type StandinOptions } from './standin.js';

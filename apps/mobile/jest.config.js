/**
 * Component tests: the app's real screens and routes (expo-router's renderRouter over src/app), rendered with
 * React Native Testing Library in jest-expo's iOS environment, against a local HTTP server that answers as the
 * gateway does (test/api-server.ts). Only device services that cannot exist here are stood in for
 * (test/setup.ts: keychain, storage, network state, Stripe's native SDK).
 */
// The door's Ed25519 check (@noble/curves and its @noble/hashes) ships as ES modules only, with no CommonJS build:
// Jest compiles it as it compiles the app, so the scanner verifies codes with the very library it ships.
const { transformIgnorePatterns: presetIgnores } = require('jest-expo/ios/jest-preset');
const transformIgnorePatterns = presetIgnores.map((pattern) => pattern.replace('/node_modules/(?!(', '/node_modules/(?!(@noble/|'));
if (transformIgnorePatterns.every((pattern, i) => pattern === presetIgnores[i]))
  throw new Error('jest.config.js: jest-expo changed its transformIgnorePatterns; let @noble through again');

module.exports = {
  preset: 'jest-expo/ios',
  testEnvironment: '<rootDir>/test/environment.js',
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/after-env.ts'],
  testMatch: ['<rootDir>/src/**/*.test.ts?(x)'],
  // A suite's first test also pays for compiling the screens it renders: 20 s was missed on a busy 2-core runner
  // (load average 20), never on a quiet one. A hung test still fails, a minute later.
  testTimeout: 60_000,
  // Icons ship as ES modules for bundlers; Jest takes their CommonJS build.
  moduleNameMapper: { '^lucide-react-native/icons/(.*)$': '<rootDir>/node_modules/lucide-react-native/dist/cjs/icons/$1.js' },
  transformIgnorePatterns,
};

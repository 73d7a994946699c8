/**
 * Stand-ins for what only a phone has. Each keeps real state in memory, so the app's own code runs unchanged
 * on top: the keychain (expo-secure-store), app storage (AsyncStorage), the network state (NetInfo) and Stripe's
 * native SDK (test/stripe-sheet.ts; the browser payment path is tested against the Stripe stand-in in the e2e test),
 * and the system's random UUIDs (expo-crypto).
 */
jest.mock('expo-secure-store', () => {
  const keychain = new Map<string, string>();
  return {
    AFTER_FIRST_UNLOCK: 0,
    getItemAsync: async (key: string) => keychain.get(key) ?? null,
    setItemAsync: async (key: string, value: string) => void keychain.set(key, value),
    deleteItemAsync: async (key: string) => void keychain.delete(key),
    __keychain: keychain,
  };
});
jest.mock('@react-native-async-storage/async-storage', () => require('@react-native-async-storage/async-storage/jest/async-storage-mock'));
jest.mock('@react-native-community/netinfo', () => require('@react-native-community/netinfo/jest/netinfo-mock.js'));
jest.mock('@stripe/stripe-react-native', () => require('./stripe-sheet').stripeNative);
// jest-expo's automatic stand-in for expo-crypto's native module answers randomUUID() with undefined, so no
// Idempotency-Key would be sent at all; Node's own crypto makes real v4 UUIDs, as the phone does.
jest.mock('expo-crypto', () => ({ ...jest.requireActual('expo-crypto'), randomUUID: () => require('node:crypto').randomUUID() }));

// Expo replaces fetch with its native implementation, which Jest cannot run: calls go through Node's own fetch,
// over real HTTP to the test's server.
jest.mock('expo/src/winter/fetch', () => ({ fetch: (globalThis as unknown as { __nodeFetch: typeof fetch }).__nodeFetch }));

// expo-router's renderRouter turns on Jest's fake timers, and their stand-in Date cannot be extended: `new` on a
// subclass of it gives back a plain Date (@sinonjs/fake-timers 10). @date-fns/tz's TZDate extends Date, so, loaded
// after that, it silently reads the phone's time zone instead of the venue's. Loaded here first, it extends the real
// Date, as on a phone.
require('@date-fns/tz');

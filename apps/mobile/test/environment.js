// React Native's Jest environment, plus Node's own fetch under another name: Expo swaps the global fetch for its
// native one (which Jest cannot run), and test/setup.ts hands the app this one back.
const ReactNativeEnv = require('@react-native/jest-preset/jest/react-native-env.js');

// The phone's time zone, the same on every machine that runs the tests, and one that changes to and from summer
// time: days of 23 and 25 hours are where date arithmetic goes wrong (features/events/date-ranges.test.ts).
process.env.TZ = 'Europe/Berlin';

module.exports = class EventifyTestEnvironment extends ReactNativeEnv {
  constructor(config, context) {
    super(config, context);
    this.global.__nodeFetch = fetch;
  }
};

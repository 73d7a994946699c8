import AsyncStorage from '@react-native-async-storage/async-storage';
import { configure } from '@testing-library/react-native';
import * as SecureStore from 'expo-secure-store';

// findBy…/waitFor give the app up to 5 s (instead of 1 s) to show what a test looks for: answers travel over
// real HTTP, and this 2-core machine is often busy with other builds. A passing test waits no longer for it.
configure({ asyncUtilTimeout: 5_000 });

// Every test starts on a fresh device: nothing stored, nobody signed in.
beforeEach(async () => {
  await AsyncStorage.clear();
  (SecureStore as unknown as { __keychain: Map<string, string> }).__keychain.clear();
});

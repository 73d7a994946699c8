import * as SecureStore from 'expo-secure-store';
import type { RefreshTransport } from './refresh-transport';

const KEY = 'eventify.refreshToken';

/** On a phone: the refresh token in the Keychain / Keystore, readable only by this app when unlocked. */
export const refreshTransport: RefreshTransport = {
  requestOptions: {},
  async refreshBody() {
    const refreshToken = await SecureStore.getItemAsync(KEY);
    return refreshToken ? { refreshToken } : null;
  },
  async keep(session) {
    if (session.refreshToken)
      await SecureStore.setItemAsync(KEY, session.refreshToken, { keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK });
  },
  async forget() {
    await SecureStore.deleteItemAsync(KEY);
  },
  // One app process: the session's own single-flight renew is enough.
  exclusive: (work) => work(),
};

import type { RefreshTransport } from './refresh-transport';

/**
 * In a browser, the safest place a browser offers: an HttpOnly, Secure, SameSite=Strict cookie set by the
 * auth service and scoped to /auth, so no script on the page (an injected one included) can read it. The
 * access token stays in memory only. The custom header asks for the cookie and, being non-simple, makes a
 * cross-site page's request fail CORS before it reaches the server.
 */
export const refreshTransport: RefreshTransport = {
  requestOptions: { withCredentials: true, headers: { 'x-refresh-token-transport': 'cookie' } },
  // The cookie cannot be seen from here; whether a session exists is known from the account kept beside it.
  refreshBody: async () => ({}),
  keep: async () => undefined,
  forget: async () => undefined,
  exclusive(work) {
    // Tabs share the cookie: a second tab refreshing with the token the first just rotated would look like a
    // stolen token and end the session everywhere. The Web Locks API serialises them across tabs.
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    return locks ? locks.request('eventify-refresh', work) : work();
  },
};

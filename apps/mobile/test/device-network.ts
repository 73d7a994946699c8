import NetInfo, { type NetInfoState } from '@react-native-community/netinfo';

/**
 * The phone telling the app its network went or came back, as NetInfo does (test/setup.ts stands in for it):
 * every listener the app registered hears it. What reacts to the network returning (React Query's online manager,
 * and through it the door's uploads) runs as on a phone. The server's reachability is the ApiServer's own
 * (`goOffline()`, `goOnline()`).
 */
export function deviceNetwork(connected: boolean): void {
  const state = {
    type: connected ? 'wifi' : 'none',
    isConnected: connected,
    isInternetReachable: connected,
    details: null,
  } as NetInfoState;
  for (const [listener] of jest.mocked(NetInfo.addEventListener).mock.calls) listener(state);
}

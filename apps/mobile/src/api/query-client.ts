import NetInfo from '@react-native-community/netinfo';
import { onlineManager, QueryClient } from '@tanstack/react-query';
import { isApiError } from './errors';

// React Query learns about the network from the device, so paused work resumes when it comes back.
onlineManager.setEventListener((setOnline) => NetInfo.addEventListener((state) => setOnline(state.isConnected !== false)));

/** Retry what may pass on a second try (a timeout, a 502/503/504), never a 4xx or "you're offline". */
function shouldRetry(failures: number, error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.kind === 'offline') return false;
  if (error.kind === 'timeout' || [502, 503, 504].includes(error.status)) return failures < 2;
  return false;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // 'always': a request without a network fails at once with words for it, instead of waiting silently.
      queries: { networkMode: 'always', staleTime: 15_000, retry: shouldRetry, retryDelay: (n) => Math.min(1000 * 2 ** n, 5000) },
      mutations: { networkMode: 'always', retry: false },
    },
  });
}

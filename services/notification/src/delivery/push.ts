import { Agent } from 'undici';

export interface PushMessage {
  to: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** One answer per message, in order: accepted (with Expo's ticket id) or refused, with Expo's error code. */
export type PushResult = { ok: true; id: string } | { ok: false; error: string; code: string | null };

export interface PushSender {
  /** Rejects when the request as a whole failed (network, 5xx): every message may be retried. */
  send(messages: PushMessage[]): Promise<PushResult[]>;
}

/**
 * Push through Expo's push service with the official expo-server-sdk. The SDK takes its base URL from the
 * EXPO_BASE_URL environment variable when it is first imported (see its ExpoClientValues), so the variable
 * is set from the configuration before the import: in development and tests it points at the local stand-in.
 */
export async function createExpoPushSender(options: {
  baseUrl: string;
  accessToken?: string | undefined;
  timeoutMs: number;
}): Promise<PushSender> {
  process.env.EXPO_BASE_URL = options.baseUrl;
  const { Expo } = await import('expo-server-sdk');
  const expo = new Expo({
    // Without this the SDK waits on undici's five-minute defaults.
    httpAgent: new Agent({ connectTimeout: options.timeoutMs, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }),
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
  });
  return {
    async send(messages) {
      const results: PushResult[] = [];
      for (const chunk of expo.chunkPushNotifications(messages.map((m) => ({ ...m, sound: 'default' as const })))) {
        for (const ticket of await expo.sendPushNotificationsAsync(chunk)) {
          results.push(
            ticket.status === 'ok'
              ? { ok: true, id: ticket.id }
              : { ok: false, error: ticket.message, code: ticket.details?.error ?? null },
          );
        }
      }
      return results;
    },
  };
}

import Constants from 'expo-constants';
import * as Device from 'expo-device';
import * as Notifications from 'expo-notifications';
import { useRouter, type Href } from 'expo-router';
import { useEffect, useRef } from 'react';
import { Platform } from 'react-native';
import type { NotificationKind } from '@eventify/contracts';
import { api } from '@/api/client';
import { beforeSignOut, useSession } from '@/features/auth/session';
import { targetOf } from '@/features/inbox/api';

Notifications.setNotificationHandler({
  handleNotification: async () => ({ shouldShowBanner: true, shouldShowList: true, shouldPlaySound: false, shouldSetBadge: false }),
});

/** The Expo push token of this device, after asking permission; null on simulators, without permission or project id. */
async function devicePushToken(): Promise<string | null> {
  if (!Device.isDevice) return null;
  if (Platform.OS === 'android') {
    await Notifications.setNotificationChannelAsync('default', { name: 'Eventify', importance: Notifications.AndroidImportance.DEFAULT });
  }
  let { status } = await Notifications.getPermissionsAsync();
  if (status !== 'granted') status = (await Notifications.requestPermissionsAsync()).status;
  if (status !== 'granted') return null;
  const projectId = Constants.expoConfig?.extra?.eas?.projectId as string | undefined;
  if (!projectId) return null;
  return (await Notifications.getExpoPushTokenAsync({ projectId })).data;
}

export function PushRegistration() {
  const { status, user } = useSession();
  const router = useRouter();
  const registered = useRef<string | null>(null);

  useEffect(() => {
    if (status !== 'signedIn' || !user) return;
    let active = true;
    void (async () => {
      try {
        const token = await devicePushToken();
        if (!token || !active) return;
        await api.post('/users/me/push-tokens', { token });
        registered.current = token;
      } catch {
        // No push this time (offline, refused): the inbox still has everything; we try again next start.
      }
    })();
    const unhook = beforeSignOut(async () => {
      const token = registered.current;
      registered.current = null;
      if (token) await api.delete(`/users/me/push-tokens/${encodeURIComponent(token)}`);
    });
    return () => {
      active = false;
      unhook();
    };
  }, [status, user]);

  useEffect(() => {
    const subscription = Notifications.addNotificationResponseReceivedListener((response) => {
      const data = response.notification.request.content.data as Record<string, string | number | boolean | null>;
      const target = targetOf({ kind: data.kind as NotificationKind, data });
      if (target) router.push(target as Href);
    });
    return () => subscription.remove();
  }, [router]);

  return null;
}

import * as Haptics from 'expo-haptics';

export function signal(good: boolean): void {
  void Haptics.notificationAsync(good ? Haptics.NotificationFeedbackType.Success : Haptics.NotificationFeedbackType.Error).catch(
    () => undefined,
  );
}

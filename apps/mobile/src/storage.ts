import AsyncStorage from '@react-native-async-storage/async-storage';

/**
 * Small JSON documents kept on the device (AsyncStorage natively, localStorage in a browser): what must be
 * there without a network, such as the signed-in account and the tickets seen. Nothing secret goes here.
 */
export const deviceStore = {
  async read<T>(key: string): Promise<T | null> {
    try {
      const raw = await AsyncStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      // Unreadable or corrupt: as if it were not there; the next write replaces it.
      return null;
    }
  },
  async write(key: string, value: unknown): Promise<void> {
    await AsyncStorage.setItem(key, JSON.stringify(value));
  },
  async remove(...keys: string[]): Promise<void> {
    await AsyncStorage.multiRemove(keys);
  },
};

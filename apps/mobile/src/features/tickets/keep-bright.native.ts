import * as Brightness from 'expo-brightness';
import { useEffect } from 'react';

/** Full brightness while the QR code is shown, so the door scanner reads it at once; restored on leaving. */
export function useKeepBright(): void {
  useEffect(() => {
    let previous: number | null = null;
    let left = false;
    void (async () => {
      try {
        previous = await Brightness.getBrightnessAsync();
        if (!left) await Brightness.setBrightnessAsync(1);
      } catch {
        // No permission or not supported: the code still shows, only less bright.
      }
    })();
    return () => {
      left = true;
      if (previous !== null) void Brightness.setBrightnessAsync(previous).catch(() => undefined);
    };
  }, []);
}

import { useEffect, useState } from 'react';

/** The current time, ticking every `intervalMs` while `active`: drives live countdowns. */
export function useNow(active = true, intervalMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

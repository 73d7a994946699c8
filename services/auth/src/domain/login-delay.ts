export interface DelaySchedule {
  /** Failures an account takes before any wait. */
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

/**
 * How long an account's next sign-in attempt must wait after `failures` consecutive failed ones: nothing for the
 * first `freeFailures`, then base, 2×base, 4×base… capped at maxSeconds. Growing waits slow a password guesser
 * to a crawl, while the cap keeps what a stranger can do to someone else's account to a short wait, never a lock.
 */
export function loginDelaySeconds(failures: number, schedule: DelaySchedule): number {
  if (failures < schedule.freeFailures) return 0;
  const doublings = failures - schedule.freeFailures;
  // 2^31 and beyond is far past any cap; stop before the number gets silly.
  return Math.min(schedule.maxSeconds, schedule.baseSeconds * 2 ** Math.min(doublings, 30));
}

/** Date filters as people think of them, turned into the API's `from` / `to` (ISO 8601, device time zone). */
export const DATE_RANGES = ['any', 'today', 'weekend', 'week', 'month', 'custom'] as const;
export type DateRange = (typeof DATE_RANGES)[number];

export const DATE_RANGE_LABELS: Record<DateRange, string> = {
  any: 'Any date',
  today: 'Today',
  weekend: 'This weekend',
  week: 'Next 7 days',
  month: 'Next 30 days',
  custom: 'Pick dates',
};

function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

// By the calendar, not by 24-hour steps: the days summer time starts and ends have 23 and 25 hours.
function endOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate(), 23, 59, 59, 999);
}

/** The same time of day, `days` calendar days later (or earlier). */
function addDays(date: Date, days: number): Date {
  const moved = new Date(date);
  moved.setDate(moved.getDate() + days);
  return moved;
}

/** A day typed as YYYY-MM-DD, in the device's time zone; null when it is not a real date. */
export function parseDay(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}

export interface CustomDays {
  from: string;
  to: string;
}

export type RangeResult = { from?: string; to?: string; error?: undefined } | { error: string };

export function rangeOf(range: DateRange, now: Date, custom: CustomDays = { from: '', to: '' }): RangeResult {
  switch (range) {
    case 'any':
      return {};
    case 'today':
      return { from: now.toISOString(), to: endOfDay(now).toISOString() };
    case 'weekend': {
      // Saturday and Sunday of this week; during the weekend, from now until Sunday night.
      const day = now.getDay();
      const saturday = addDays(now, day === 0 ? -1 : 6 - day);
      const from = day === 6 || day === 0 ? now : startOfDay(saturday);
      return { from: from.toISOString(), to: endOfDay(addDays(saturday, 1)).toISOString() };
    }
    case 'week':
      return { from: now.toISOString(), to: endOfDay(addDays(now, 7)).toISOString() };
    case 'month':
      return { from: now.toISOString(), to: endOfDay(addDays(now, 30)).toISOString() };
    case 'custom': {
      const from = custom.from ? parseDay(custom.from) : null;
      const to = custom.to ? parseDay(custom.to) : null;
      if (custom.from && !from) return { error: 'Enter the first day as YYYY-MM-DD, for example 2027-05-01.' };
      if (custom.to && !to) return { error: 'Enter the last day as YYYY-MM-DD, for example 2027-05-31.' };
      if (from && to && to < from) return { error: 'The last day must not be before the first day.' };
      return { from: from?.toISOString(), to: to ? endOfDay(to).toISOString() : undefined };
    }
  }
}

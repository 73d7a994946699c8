/** Colours chosen for contrast: text and controls meet WCAG AA (4.5:1) on their backgrounds. */
export const colors = {
  background: '#f5f5f7',
  surface: '#ffffff',
  text: '#111827',
  muted: '#4b5563',
  border: '#d1d5db',
  primary: '#4338ca',
  primaryText: '#ffffff',
  primarySoft: '#e0e7ff',
  danger: '#b91c1c',
  dangerSoft: '#fee2e2',
  success: '#15803d',
  successSoft: '#dcfce7',
  warning: '#92400e',
  warningSoft: '#fef3c7',
} as const;

export const space = { xs: 4, sm: 8, md: 12, lg: 16, xl: 24, xxl: 32 } as const;
export const radius = { sm: 6, md: 10, lg: 16, pill: 999 } as const;
export const font = { small: 13, body: 16, large: 18, title: 22, hero: 28 } as const;

/** Content never gets wider than this on a desktop browser or tablet; it is centred instead. */
export const MAX_CONTENT_WIDTH = 760;

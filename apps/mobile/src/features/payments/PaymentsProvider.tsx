import type { ComponentType, ReactNode } from 'react';

/** Stripe's native SDK needs its provider around the app (PaymentsProvider.native.tsx); the web needs none. */
export declare const PaymentsProvider: ComponentType<{ children: ReactNode }>;

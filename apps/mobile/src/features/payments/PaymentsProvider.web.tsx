import type { ReactNode } from 'react';

export function PaymentsProvider({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

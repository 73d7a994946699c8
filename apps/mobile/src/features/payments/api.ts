import { useMutation } from '@tanstack/react-query';
import type { PaymentIntent } from '@eventify/contracts';
import { api } from '@/api/client';

/** The PaymentIntent for a booking: the amount comes from the booking on the server; asking twice gives the same one. */
export function useStartPayment() {
  return useMutation({
    mutationFn: (bookingId: string) => api.post<PaymentIntent>('/payments/intents', { bookingId }),
  });
}

/** What the payment step tells its screen. */
export interface PaymentStepProps {
  bookingId: string;
  amountLabel: string;
  /** The last payment attempt the server saw declined, in words. */
  lastError: string | null;
  /** Stripe took the payment; the booking confirms when Stripe's webhook reaches Eventify. */
  onPaid: () => void;
}

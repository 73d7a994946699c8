/**
 * Stands in for Stripe's native SDK (its PaymentSheet is native UI that cannot run in Jest). It records what the
 * app asked for and answers as the sheet would: paid, closed by the person, or declined. The browser path is
 * tested for real against the Stripe stand-in in the end-to-end test.
 */
export type SheetOutcome = { error?: { code: string; message: string } };

export const paymentSheet = {
  initialised: [] as { paymentIntentClientSecret: string; merchantDisplayName: string }[],
  next: {} as SheetOutcome,
  reset() {
    this.initialised.length = 0;
    this.next = {};
  },
};

export const stripeNative = {
  StripeProvider: ({ children }: { children: unknown }) => children,
  useStripe: () => ({
    initPaymentSheet: async (params: { paymentIntentClientSecret: string; merchantDisplayName: string }) => {
      paymentSheet.initialised.push(params);
      return {};
    },
    presentPaymentSheet: async () => paymentSheet.next,
  }),
};

import type { ComponentType } from 'react';
import type { PaymentStepProps } from './api';

/**
 * Paying for a booking. On a phone: Stripe's PaymentSheet (PaymentStep.native.tsx). In a browser: a card form
 * that confirms the PaymentIntent with Stripe's API straight from the browser (PaymentStep.web.tsx), so card
 * numbers never touch Eventify's servers. The bundler picks the file for the platform.
 */
export declare const PaymentStep: ComponentType<PaymentStepProps>;

import type { ComponentType } from 'react';

/**
 * On a device: asks for permission once signed in, registers the Expo push token with Eventify, removes it on
 * sign-out, and opens what a tapped notification is about (PushRegistration.native.tsx). Browsers: nothing.
 */
export declare const PushRegistration: ComponentType;

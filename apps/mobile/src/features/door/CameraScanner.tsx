import type { ComponentType } from 'react';

export interface CameraScannerProps {
  /** Called with the text of each QR code the camera reads (the same code repeatedly while it stays in view). */
  onCode: (text: string) => void;
  /** Stop reading while a result is on screen. */
  paused: boolean;
}

/**
 * The camera, reading QR codes continuously: expo-camera on a phone (CameraScanner.native.tsx); in a browser the
 * browser's camera with the zxing decoder bundled into the app (CameraScanner.web.tsx), never loaded from a CDN.
 */
export declare const CameraScanner: ComponentType<CameraScannerProps>;

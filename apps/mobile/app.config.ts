import type { ConfigContext, ExpoConfig } from 'expo/config';

/**
 * The app's identity and native configuration. What differs per environment comes from EXPO_PUBLIC_*
 * variables at build time (see src/config.ts); the web build can also be configured when it is served.
 */
/** The EAS project (set in CI and on developers' machines once `eas init` has run); without it the app has no OTA updates. */
const projectId = process.env.EAS_PROJECT_ID;

export default ({ config }: ConfigContext): ExpoConfig => ({
  ...config,
  name: 'Eventify',
  slug: 'eventify',
  scheme: 'eventify',
  version: '1.0.0',
  orientation: 'portrait',
  icon: './assets/icon.png',
  userInterfaceStyle: 'light',
  // An update is built for one runtime: the fingerprint of everything native (SDK, native modules, config plugins).
  // A JavaScript-only change keeps it, so an OTA update reaches every binary it fits and never one it does not.
  runtimeVersion: { policy: 'fingerprint' },
  updates: projectId
    ? { url: `https://u.expo.dev/${projectId}`, fallbackToCacheTimeout: 0, checkAutomatically: 'ON_LOAD' }
    : { enabled: false },
  ios: {
    supportsTablet: true,
    bundleIdentifier: 'com.eventify.app',
    infoPlist: { NSCameraUsageDescription: 'Eventify uses the camera to scan tickets at the door.' },
  },
  android: {
    package: 'com.eventify.app',
    adaptiveIcon: {
      backgroundColor: '#E6F4FE',
      foregroundImage: './assets/android-icon-foreground.png',
      backgroundImage: './assets/android-icon-background.png',
      monochromeImage: './assets/android-icon-monochrome.png',
    },
    predictiveBackGestureEnabled: false,
    permissions: ['android.permission.CAMERA'],
    // expo-brightness asks for it to change the system's brightness; the app only brightens its own window.
    blockedPermissions: ['android.permission.WRITE_SETTINGS'],
  },
  web: {
    favicon: './assets/favicon.png',
    output: 'single',
    bundler: 'metro',
    name: 'Eventify',
    shortName: 'Eventify',
    themeColor: '#4338ca',
  },
  plugins: [
    'expo-router',
    ['expo-splash-screen', { image: './assets/splash-icon.png', imageWidth: 200, resizeMode: 'contain', backgroundColor: '#ffffff' }],
    ['expo-camera', { cameraPermission: 'Eventify uses the camera to scan tickets at the door.', recordAudioAndroid: false }],
    'expo-updates',
    'expo-secure-store',
    'expo-font',
    ['expo-notifications', { color: '#4338ca' }],
    ['@stripe/stripe-react-native', { merchantIdentifier: 'merchant.com.eventify.app', enableGooglePay: false }],
  ],
  extra: { eas: { projectId } },
});

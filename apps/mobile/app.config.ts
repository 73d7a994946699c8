import type { ConfigContext, ExpoConfig } from 'expo/config';

/**
 * The app's identity and native configuration. What differs per environment comes from EXPO_PUBLIC_*
 * variables at build time (see src/config.ts); the web build can also be configured when it is served.
 */
export default ({ config }: ConfigContext): ExpoConfig => ({
  ...config,
  name: 'Eventify',
  slug: 'eventify',
  scheme: 'eventify',
  version: '1.0.0',
  orientation: 'portrait',
  icon: './assets/icon.png',
  userInterfaceStyle: 'light',
  ios: { supportsTablet: true, bundleIdentifier: 'com.eventify.app' },
  android: {
    package: 'com.eventify.app',
    adaptiveIcon: {
      backgroundColor: '#E6F4FE',
      foregroundImage: './assets/android-icon-foreground.png',
      backgroundImage: './assets/android-icon-background.png',
      monochromeImage: './assets/android-icon-monochrome.png',
    },
    predictiveBackGestureEnabled: false,
  },
  web: { favicon: './assets/favicon.png', output: 'single', bundler: 'metro', name: 'Eventify', shortName: 'Eventify', themeColor: '#4338ca' },
  plugins: [
    'expo-router',
    'expo-secure-store',
    'expo-font',
    ['expo-notifications', { color: '#4338ca' }],
    ['@stripe/stripe-react-native', { merchantIdentifier: 'merchant.com.eventify.app', enableGooglePay: false }],
  ],
  extra: { eas: { projectId: process.env.EAS_PROJECT_ID } },
});

import { useNetInfo } from '@react-native-community/netinfo';
import { StyleSheet, Text, View } from 'react-native';
import { colors, font, space } from './theme';

/** Says so while the device has no network: what shows is what this device already has. */
export function OfflineBanner({ sessionUnconfirmed }: { sessionUnconfirmed: boolean }) {
  const net = useNetInfo();
  if (net.isConnected !== false && !sessionUnconfirmed) return null;
  return (
    <View style={styles.banner} role="status" testID="offline-banner">
      <Text style={styles.text}>
        {net.isConnected === false
          ? "You're offline. Tickets you have seen still open; the rest updates when you're back online."
          : "Can't reach Eventify right now. Showing what this device has."}
      </Text>
    </View>
  );
}

const styles = StyleSheet.create({
  banner: { backgroundColor: colors.warningSoft, paddingHorizontal: space.lg, paddingVertical: space.sm },
  text: { color: colors.warning, fontSize: font.small, textAlign: 'center' },
});

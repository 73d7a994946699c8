import { StyleSheet, View } from 'react-native';
import QRCode from 'react-native-qrcode-svg';
import { colors, radius } from '@/ui/theme';

/**
 * A ticket's QR code: black on white with a quiet zone, the way door scanners read best, whatever the theme.
 * Drawn on the device from the ticket's payload, so it needs no network.
 */
export function TicketQr({ value, size, label }: { value: string; size: number; label: string }) {
  return (
    <View style={styles.frame} role="img" aria-label={label} testID="ticket-qr">
      <QRCode value={value} size={size} ecl="M" quietZone={Math.round(size / 12)} color="#000000" backgroundColor="#ffffff" />
    </View>
  );
}

const styles = StyleSheet.create({
  frame: {
    alignSelf: 'center',
    backgroundColor: '#ffffff',
    borderRadius: radius.md,
    borderWidth: 1,
    borderColor: colors.border,
    overflow: 'hidden',
  },
});

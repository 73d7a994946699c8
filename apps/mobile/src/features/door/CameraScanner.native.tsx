import { CameraView, useCameraPermissions } from 'expo-camera';
import { StyleSheet, Text, View } from 'react-native';
import { Button } from '@/ui/Button';
import { colors, font, space } from '@/ui/theme';
import type { CameraScannerProps } from './CameraScanner';

export function CameraScanner({ onCode, paused }: CameraScannerProps) {
  const [permission, requestPermission] = useCameraPermissions();
  if (!permission) return <View style={styles.frame} />;
  if (!permission.granted) {
    return (
      <View style={[styles.frame, styles.ask]}>
        <Text style={styles.text}>The camera reads the tickets' QR codes. Allow it, or type a code below.</Text>
        <Button label="Allow the camera" onPress={() => void requestPermission()} />
      </View>
    );
  }
  return (
    <CameraView
      style={styles.frame}
      facing="back"
      barcodeScannerSettings={{ barcodeTypes: ['qr'] }}
      onBarcodeScanned={paused ? undefined : (result) => onCode(result.data)}
      accessibilityLabel="Camera: point it at a ticket's QR code"
    />
  );
}

const styles = StyleSheet.create({
  frame: { width: '100%', aspectRatio: 1, maxHeight: 420, backgroundColor: '#000', borderRadius: 12, overflow: 'hidden' },
  ask: { alignItems: 'center', justifyContent: 'center', padding: space.lg, gap: space.md, backgroundColor: colors.surface },
  text: { fontSize: font.body, color: colors.text, textAlign: 'center' },
});

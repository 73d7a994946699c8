import { useEffect, useRef, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { colors, font, space } from '@/ui/theme';
import type { CameraScannerProps } from './CameraScanner';

// The decoder's WebAssembly comes from this app's own files (copied by scripts/build-web.mjs), never from a CDN,
// so scanning works offline once the service worker has cached it.
prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? `/zxing/${path}` : prefix + path) },
});

const FRAME_MS = 200;

export function CameraScanner({ onCode, paused }: CameraScannerProps) {
  const video = useRef<HTMLVideoElement | null>(null);
  const pausedRef = useRef(paused);
  const onCodeRef = useRef(onCode);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    pausedRef.current = paused;
    onCodeRef.current = onCode;
  }, [paused, onCode]);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    const readFrame = async () => {
      const element = video.current;
      if (!stopped && element && context && !pausedRef.current && element.readyState >= 2 && element.videoWidth) {
        canvas.width = element.videoWidth;
        canvas.height = element.videoHeight;
        context.drawImage(element, 0, 0);
        try {
          const [found] = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), {
            formats: ['QRCode'],
            maxNumberOfSymbols: 1,
            tryHarder: true,
          });
          if (found?.isValid && found.text) onCodeRef.current(found.text);
        } catch {
          // A frame the decoder could not read: the next one will do.
        }
      }
      if (!stopped) timer = setTimeout(() => void readFrame(), FRAME_MS);
    };

    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped || !video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        void readFrame();
      } catch (error) {
        const name = (error as { name?: string }).name;
        setProblem(
          name === 'NotAllowedError'
            ? 'The browser was not allowed to use the camera. Allow it in the address bar, or type a code below.'
            : 'No camera is available here. Type the code below instead.',
        );
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  if (problem) {
    return (
      <View style={[styles.frame, styles.problem]} role="alert">
        <Text style={styles.text}>{problem}</Text>
      </View>
    );
  }
  return (
    <View style={styles.frame} aria-label="Camera: point it at a ticket's QR code" role="img">
      <video ref={video} muted playsInline style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
    </View>
  );
}

const styles = StyleSheet.create({
  frame: { width: '100%', aspectRatio: 1, maxHeight: 420, backgroundColor: '#000', borderRadius: 12, overflow: 'hidden' },
  problem: { alignItems: 'center', justifyContent: 'center', padding: space.lg, backgroundColor: colors.surface },
  text: { fontSize: font.body, color: colors.text, textAlign: 'center' },
});

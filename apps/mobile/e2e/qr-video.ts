import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;

/**
 * A video for Chromium's fake camera (`--use-file-for-fake-video-capture`): a QR code drawn black on white in the
 * middle of 640×480 frames (or, for `null`, white frames only), as raw I420 behind a YUV4MPEG2 header. Chromium
 * plays it in a loop, so the scanner sees the code as a phone held up to a camera would show it.
 */
export function writeQrVideo(path: string, text: string | null, frames = 10): void {
  const luma = Buffer.alloc(WIDTH * HEIGHT, 255);
  if (text !== null) drawQr(luma, text);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  writeFileSync(
    path,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`), ...Array<Buffer>(frames).fill(frame)]),
  );
}

/** The code's modules as black squares on the white luma plane, centred, with the quiet zone scanners need. */
function drawQr(luma: Buffer, text: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / (modules + 2 * quiet));
  const left = Math.floor((WIDTH - (modules + 2 * quiet) * scale) / 2) + quiet * scale;
  const top = Math.floor((HEIGHT - (modules + 2 * quiet) * scale) / 2) + quiet * scale;
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++) {
        const line = (top + row * scale + y) * WIDTH;
        luma.fill(0, line + left + col * scale, line + left + (col + 1) * scale);
      }
    }
  }
}

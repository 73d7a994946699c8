import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless; Playwright gives each launch a fresh temporary profile, so nothing carries over. */
export async function launchChromium(
  options: { fakeCameraVideo?: string } = {},
): Promise<{ browser: Browser; close: () => Promise<void> }> {
  // With a video, the browser's camera plays it (a Y4M file; see qr-video.ts), and camera permission is granted.
  const camera = options.fakeCameraVideo
    ? [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${options.fakeCameraVideo}`,
      ]
    : [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...camera,
    ],
  });
  return { browser, close: () => browser.close() };
}

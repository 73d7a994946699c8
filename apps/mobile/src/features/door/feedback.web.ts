let audio: AudioContext | null = null;

/** One short high tone for admitted, two low ones for anything else; and a vibration where the browser has one. */
export function signal(good: boolean): void {
  try {
    audio ??= new AudioContext();
    const tones = good ? [880] : [220, 220];
    tones.forEach((frequency, i) => {
      const oscillator = audio!.createOscillator();
      const gain = audio!.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = 0.2;
      oscillator.connect(gain).connect(audio!.destination);
      const start = audio!.currentTime + i * 0.25;
      oscillator.start(start);
      oscillator.stop(start + 0.18);
    });
    navigator.vibrate?.(good ? 80 : [120, 80, 120]);
  } catch {
    // No sound here: the colour and the word still say it.
  }
}

/** A sound or a buzz for each result, so door staff hear it without looking: haptics on a phone, a tone in a browser. */
export declare function signal(good: boolean): void;

/** While a ticket's QR is on screen, the display is as bright as it goes (keep-bright.native.ts); browsers cannot. */
export declare function useKeepBright(): void;

/**
 * permessage-deflate (RFC 7692): the offers read (offers.ts), the negotiation (negotiate.ts), the
 * extension at work on messages with engines passed in (extension.ts), and inflating for display
 * with a window carried between messages (display.ts).
 */
export * from './offers.ts';
export * from './negotiate.ts';
export * from './extension.ts';
export * from './display.ts';

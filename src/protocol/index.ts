/** Framescope's RFC 6455 codec: sans-I/O, pure TypeScript over Uint8Array. */
export * from './opcodes';
export * from './close-codes';
export * from './fault';
export * from './frame';
export * from './mask';
export * from './utf8';
export * from './parser';
export * from './message';
export * from './encoder';
export * from './states';
export * from './connection';
export * from './layout';
export * from './hex';
export * from './handshake';

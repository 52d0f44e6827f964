export * from './frames.ts';
export * from './jute-reader.ts';
export * from './jute-writer.ts';
export * from './opcodes.ts';
export * from './packets.ts';
export * from './records.ts';
export * from './replies.ts';
export * from './requests.ts';

/** The inspector client: connect to `/inspect`, capture what the tap reports. Reused by the chat page. */
export { connectInspector, inspectorUrl, InspectorClient, type CommandResult, type InspectorStatus } from './client.svelte';
export { CaptureStore, type FrameSource, type FramesView } from './capture.svelte';
export { CAPACITY_CHOICES, DEFAULT_CAPACITY, type CapturedFrame, type ConnectionRecord, type Direction, type Notice } from './capture';
export * from './messages';
export { RingBuffer } from './ring-buffer';

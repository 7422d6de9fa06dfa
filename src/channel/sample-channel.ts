/**
 * The sample channel: metric workers publish, only the coordinator listens. A BroadcastChannel
 * delivers a copy to every same-name instance, so publishers never attach a listener.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { PROTOCOL_VERSION, validateEnvelope, type SampleEnvelope } from '../protocol.js';

export interface SamplePublisher {
  publish(payload: unknown, collectId: number | null): void;
  close(): void;
}

export function openSamplePublisher(channelName: string, source: string, threadId: number): SamplePublisher {
  const channel = new BroadcastChannel(channelName);
  // A publisher alone must not keep its thread alive.
  channel.unref();
  let seq = 0;
  return {
    publish(payload, collectId) {
      const envelope: SampleEnvelope = {
        v: PROTOCOL_VERSION,
        kind: 'sample',
        source,
        seq: seq++,
        time: Date.now(),
        threadId,
        collectId,
        payload,
      };
      channel.postMessage(envelope);
    },
    close: () => channel.close(),
  };
}

export interface SampleListenerHandlers {
  onSample(envelope: SampleEnvelope): void;
  onReject(problem: string, data: unknown): void;
}

/** Listens on the channel; every message is validated and routed to exactly one handler. */
export function openSampleListener(channelName: string, handlers: SampleListenerHandlers): { close(): void } {
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event: unknown) => {
    const data = (event as { data?: unknown }).data;
    const result = validateEnvelope(data);
    if (result.ok) handlers.onSample(result.envelope);
    else handlers.onReject(result.problem, data);
  };
  // A message that cannot be deserialized at all is still a rejected message, not a crash.
  channel.onmessageerror = (event: unknown) => handlers.onReject('undeserializable message', event);
  return { close: () => channel.close() };
}

/**
 * The sample channel: metric workers publish, only the coordinator listens.
 *
 * Every open BroadcastChannel instance of a name receives and deserializes a copy of every
 * message, whether or not anything listens on it. A publisher that kept its channel open
 * would make N workers cost N² deserializations per round (collect() at 64 workers grew
 * 100x instead of 21x over 3 workers). So a publisher opens the channel, posts, and closes
 * it (~0.1 ms, once per sample): at any moment the coordinator's is the only open instance.
 * The message is fanned out when posted, so closing right after loses nothing.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { PROTOCOL_VERSION, validateEnvelope, type SampleEnvelope, type ValidSample } from './samples.js';

export interface SamplePublisher {
  publish(payload: unknown, collectId: number | null): void;
  /** The sampler's result cannot be shown (not JSON-shaped, too big): says why instead. */
  publishError(problem: string, collectId: number | null): void;
}

export function openSamplePublisher(channelName: string, source: string, threadId: number): SamplePublisher {
  let seq = 0;
  const post = (type: SampleEnvelope['type'], payload: unknown, collectId: number | null): void => {
    const envelope: SampleEnvelope = { v: PROTOCOL_VERSION, type, source, seq: seq++, time: Date.now(), threadId, collectId, payload };
    const channel = new BroadcastChannel(channelName);
    channel.postMessage(envelope);
    channel.close();
  };
  return {
    publish: (payload, collectId) => post('sample', payload, collectId),
    publishError: (problem, collectId) => post('sample-error', { problem: problem.slice(0, 500) }, collectId),
  };
}

export interface SampleListenerHandlers {
  onSample(sample: ValidSample): void;
  /** A message that failed validation: counted by the owner, never thrown. */
  onReject(): void;
}

/** Listens on the channel; every message is validated and routed to exactly one handler. */
export function openSampleListener(channelName: string, handlers: SampleListenerHandlers): { close(): void } {
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = (event: unknown) => {
    const data = (event as { data?: unknown }).data;
    const result = validateEnvelope(data);
    if (result.ok) handlers.onSample(result.value);
    else handlers.onReject();
  };
  // A message that cannot be deserialized at all is still a rejected message, not a crash.
  channel.onmessageerror = () => handlers.onReject();
  return { close: () => channel.close() };
}

/**
 * What to do when Node reports a client error on a connection ('clientError'): a request head
 * that took too long, or one that does not parse. Listening to 'clientError' replaces Node's
 * own handling, so this keeps its answers (the same bytes) and adds a reason to count.
 */
export interface ClientErrorVerdict {
  /** Counted under droppedConnections ('timeout') or rejectedRequests ('malformed'); null for a peer that went away. */
  reason: 'timeout' | 'malformed' | null;
  /** Written before closing, when nothing of a response is on the wire yet. */
  response: string | null;
}

const answer = (status: string): string => `HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`;

export function clientErrorVerdict(code: string | undefined): ClientErrorVerdict {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { reason: 'timeout', response: answer('408 Request Timeout') };
  if (code === 'HPE_HEADER_OVERFLOW') return { reason: 'malformed', response: answer('431 Request Header Fields Too Large') };
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { reason: 'malformed', response: answer('413 Payload Too Large') };
  if (code?.startsWith('HPE_')) return { reason: 'malformed', response: answer('400 Bad Request') };
  // ECONNRESET and the like: the peer is gone, there is no one to answer.
  return { reason: null, response: null };
}

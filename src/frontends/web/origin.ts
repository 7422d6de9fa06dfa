/**
 * The WebSocket Origin check. Browsers always send Origin on a WebSocket handshake, and a page
 * from another site cannot forge it: that is what stops such a page from opening our socket
 * with the user's cookie (cross-site WebSocket hijacking).
 */

/** `hostHeader` as the origin a page served by us would have, or null if it is not a valid host. */
export function ownOrigin(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    const url = new URL(`http://${hostHeader}`);
    // A Host header is host[:port] and nothing else.
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Same origin as the Host the client asked for, or listed in `allow`. A missing Origin is a
 * non-browser client (curl, a script): not a hijacking vector, and the token still applies to it.
 * The literal 'null' (sandboxed frames, file: pages) is refused.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, allow: readonly string[]): boolean {
  if (origin === undefined) return true;
  let normalized: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    normalized = url.origin;
  } catch {
    return false;
  }
  if (allow.includes(normalized)) return true;
  const own = ownOrigin(hostHeader);
  return own !== null && own === normalized;
}

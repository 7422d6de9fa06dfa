/** Pure address logic: what counts as loopback, and which key a client address is rate-limited under. */
import { isIP } from 'node:net';

/** Whether binding `host` keeps the server reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) {
    const groups = ipv6Groups(h);
    if (!groups) return false;
    if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true;
    // ::ffff:127.x.y.z, an IPv4 loopback address written as IPv6.
    return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
  }
  return false;
}

/** Whether a peer's socket address is this machine's loopback (IPv4 127/8, ::1, or IPv4-mapped). */
export function isLoopbackAddress(remoteAddress: string | undefined): boolean {
  return remoteAddress !== undefined && isIP(remoteAddress) !== 0 && isLoopbackHost(remoteAddress);
}

/**
 * Whether a Host header names this machine's loopback interface. Browsers resolve `localhost`
 * and `*.localhost` themselves, so a page on another site cannot rebind those names to us.
 */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return isLoopbackHost(hostname);
}

/** The eight 16-bit groups of an IPv6 address, or null if it is not one. */
export function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  // A trailing dotted IPv4 part is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left.length === 8 ? left : null;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The key a client is rate-limited under: its IPv4 address (IPv4-mapped IPv6 unwrapped), or the
 * /64 prefix of an IPv6 address, since one host usually owns a whole /64 and could rotate within it.
 */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const groups = ipv6Groups(remoteAddress);
  if (!groups) return remoteAddress;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const g6 = groups[6]!;
    const g7 = groups[7]!;
    return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

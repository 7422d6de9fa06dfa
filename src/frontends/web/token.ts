/**
 * Token checks. The comparison hashes both sides first so timingSafeEqual always compares equal
 * lengths: neither the token's content nor its length leaks through response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Cookies ignore ports, so two servers on one host keep separate cookies by naming them per port. */
export function tokenCookieName(port: number): string {
  return `threadboard_token_${port}`;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Where a token may come from: `Authorization: Bearer`, the page's cookie, or `?token=`. */
export function presentedTokens(headers: IncomingHttpHeaders, url: URL, cookieName: string): string[] {
  const out: string[] = [];
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
    if (m) out.push(m[1]!);
  }
  const cookie = readCookie(headers.cookie, cookieName);
  if (cookie) out.push(cookie);
  const query = queryParam(url, 'token');
  if (query) out.push(query);
  return out;
}

/**
 * One query parameter, percent-decoded but with '+' kept as '+': base64 tokens contain '+',
 * and URLSearchParams would turn a pasted one into a space.
 */
export function queryParam(url: URL, name: string): string | null {
  for (const pair of url.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq) !== name) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1));
    } catch {
      return null;
    }
  }
  return null;
}

/** True when no token is configured, or when any presented token matches it. */
export function isAuthorized(expected: string | null, presented: readonly string[]): boolean {
  if (expected === null) return true;
  let ok = false;
  // Check every candidate (no early exit) so timing does not reveal which source matched.
  for (const p of presented) ok = tokensEqual(p, expected) || ok;
  return ok;
}

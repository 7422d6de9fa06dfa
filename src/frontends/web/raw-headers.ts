/**
 * Node keeps the first of duplicated headers such as Host in `req.headers` and drops the rest, so
 * a request naming two hosts looks like one naming the first. `rawHeaders` still has them all.
 */

/** How many times header `name` (lower case) appears in Node's flat [name, value, ...] list. */
export function headerCount(rawHeaders: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) n += 1;
  return n;
}

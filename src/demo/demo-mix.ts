/**
 * What the demo load sends, as pure functions of time and of random numbers the caller draws,
 * so tests can pin them down. The load is modest on purpose: a few requests per second to a few
 * dozen, enough to move every figure of the REQ panel, never enough to cost the machine.
 */

export const DEMO_RATE = { min: 2, max: 40 } as const;

/** Requests per second at `elapsedMs` into the run: two slow waves, so the rps history has a shape. */
export function demoRate(elapsedMs: number): number {
  const t = elapsedMs / 1000;
  const rate = 14 + 9 * Math.sin((2 * Math.PI * t) / 45) + 4 * Math.sin((2 * Math.PI * t) / 7);
  return Math.min(DEMO_RATE.max, Math.max(DEMO_RATE.min, rate));
}

export interface DemoRequest {
  /** The status the demo app is asked to answer with. */
  status: number;
  /** How long the demo app waits before answering, in ms. */
  delayMs: number;
}

/**
 * One request of the mix, from three uniform draws in [0, 1): about 90 % 200s, 8 % 404s and
 * 2 % 5xx (below health's 5 % warning, so a demo is healthy, as most services are), mostly
 * fast with a slow tail, so p50 and p99 differ visibly.
 */
export function demoRequest(statusDraw: number, delayDraw: number, tailDraw: number): DemoRequest {
  const status = statusDraw < 0.9 ? 200 : statusDraw < 0.98 ? 404 : statusDraw < 0.99 ? 500 : 503;
  const delayMs = tailDraw < 0.03 ? 120 + Math.round(delayDraw * 180) : 1 + Math.round(delayDraw * delayDraw * 40);
  return { status, delayMs };
}

/** The demo app's URL path for a request; the app reads its answer from it. */
export function demoPath(r: DemoRequest): string {
  return `/status/${r.status}?delay=${r.delayMs}`;
}

/** Reads a demo path back; null for anything else (the app answers 404 then, like any app). */
export function parseDemoPath(url: string): DemoRequest | null {
  const m = /^\/status\/(\d{3})(?:\?delay=(\d{1,4}))?$/.exec(url);
  if (!m) return null;
  const status = Number(m[1]);
  const delayMs = Math.min(2000, Number(m[2] ?? 0));
  if (status < 200 || status > 599) return null;
  return { status, delayMs };
}

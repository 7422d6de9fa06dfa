/**
 * The page's script modules, read from disk once when a server starts. They sit beside this
 * file in dist: app.js (plain JavaScript, type-checked by tsc against the DOM and the wire
 * types: see ./tsconfig.json) and the DOM-free modules it imports, format.ts and series.ts,
 * compiled by the main build and unit-tested in Node.
 */
import { readFile } from 'node:fs/promises';

/** Served at /<name>: the browser resolves app.js's `./format.js` to /format.js. */
export const PAGE_SCRIPTS = ['app.js', 'format.js', 'series.js'] as const;

export interface PageScript {
  status: 200 | 500;
  type: string;
  body: string;
}

const JS = 'text/javascript; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

let warned = false;

/** Never rejects: a script missing from a broken install is answered 500 saying so; /api and /metrics still work. */
export async function loadPageScripts(dir: URL = new URL('./', import.meta.url)): Promise<Map<string, PageScript>> {
  const scripts = new Map<string, PageScript>();
  await Promise.all(
    PAGE_SCRIPTS.map(async (name) => {
      try {
        scripts.set(`/${name}`, { status: 200, type: JS, body: await readFile(new URL(name, dir), 'utf8') });
      } catch (err) {
        const message = `threadboard: the page script ${name} is missing from this install (${(err as NodeJS.ErrnoException).code ?? String(err)}); reinstall threadboard, or run npm run build`;
        scripts.set(`/${name}`, { status: 500, type: TEXT, body: `${message}\n` });
        if (!warned) {
          warned = true;
          process.emitWarning(message, { code: 'THREADBOARD_PAGE_SCRIPT_MISSING' });
        }
      }
    }),
  );
  return scripts;
}

/**
 * The page's script as a real, checked file: what /app.js serves is tsc's output of the source
 * that tsc checks against the DOM, the browser loads nothing else, and the package carries it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { loadPageScripts, PAGE_SCRIPTS } from '../dist/src/frontends/web/page/scripts.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const PAGE_SOURCE = path.join(repo, 'src/frontends/web/page/app.js');

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

function parsedConfig(file: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(repo, file),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${file}`);
  return parsed;
}

/** Relative module specifiers a compiled file imports at run time (what a browser would fetch). */
function runtimeImports(js: string): string[] {
  return [
    ...js.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm),
    ...js.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1]!);
}

describe('web: the page script is a checked file', () => {
  let dash: Dashboard;
  let server: WebServer;

  beforeAll(async () => {
    dash = await startDashboard({ httpProbe: false, intervalMs: 1000 });
    server = await startWebServer(dash, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await dash?.stop();
  });

  it('is checked by tsc against the DOM, with checkJs and the strict options of the project', () => {
    const page = parsedConfig('src/frontends/web/page/tsconfig.json');
    expect(page.errors).toEqual([]);
    expect(page.fileNames).toContain(PAGE_SOURCE);
    expect(page.options).toMatchObject({ checkJs: true, allowJs: true, strict: true, noUncheckedIndexedAccess: true, noEmit: true });
    expect(page.options.lib).toEqual(expect.arrayContaining(['lib.dom.d.ts']));
    // The main build only copies it: without the DOM it could not check it.
    const main = parsedConfig('tsconfig.json');
    expect(main.fileNames).toContain(PAGE_SOURCE);
    expect(main.options.checkJs).toBeUndefined();
    expect(readFileSync(PAGE_SOURCE, 'utf8')).not.toMatch(/@ts-(no)?check|@ts-ignore|@ts-expect-error/);
  });

  it('serves at /app.js exactly what tsc compiles from that source', async () => {
    const res = await get(`${server.url}/app.js`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/javascript; charset=utf-8');
    const { options } = parsedConfig('tsconfig.json');
    const compiled = ts.transpileModule(readFileSync(PAGE_SOURCE, 'utf8'), {
      fileName: 'app.js',
      compilerOptions: { ...options, module: ts.ModuleKind.ESNext },
    }).outputText;
    expect(res.body).toBe(compiled);
    expect(res.body).toContain('new WebSocket(');
  });

  it('loads only its own served modules, which import nothing, and writes no markup', async () => {
    const bodies = new Map<string, string>();
    for (const name of PAGE_SCRIPTS) {
      const res = await get(`${server.url}/${name}`);
      expect(res.status, name).toBe(200);
      bodies.set(name, res.body);
      expect(res.body, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
    }
    expect(runtimeImports(bodies.get('app.js')!).sort()).toEqual(['./format.js', './series.js']);
    expect(runtimeImports(bodies.get('format.js')!)).toEqual([]);
    expect(runtimeImports(bodies.get('series.js')!)).toEqual([]);
    const total = [...bodies.values()].reduce((n, b) => n + Buffer.byteLength(b), 0);
    expect(total).toBeLessThan(30_000);
  });

  it('answers 500 saying why when a script is missing from the install, and warns once', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): number => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const scripts = await loadPageScripts(new URL('file:///nonexistent-threadboard-dir/'));
      expect([...scripts.keys()].sort()).toEqual(PAGE_SCRIPTS.map((n) => `/${n}`).sort());
      for (const s of scripts.values()) {
        expect(s.status).toBe(500);
        expect(s.body).toMatch(/^threadboard: the page script \S+ is missing from this install \(ENOENT\)/);
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => (w as NodeJS.ErrnoException).code === 'THREADBOARD_PAGE_SCRIPT_MISSING')).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('is in the package, beside the server that reads it', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, timeout: 30_000 });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const name of PAGE_SCRIPTS) expect(files).toContain(`dist/src/frontends/web/page/${name}`);
    expect(files).toContain('dist/src/frontends/web/page/scripts.js');
  });
});

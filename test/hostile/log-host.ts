/**
 * Drives test/hostile/fixtures/log-host.mjs: a child process that plays the host application,
 * with a dashboard following an access log. A crash (an unhandled rejection kills the child)
 * or a hang (no answer in time) is the finding; neither can take the test runner down.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AccessLogEvent, AccessLogSection } from '../../dist/src/index.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'log-host.mjs');
const REPLY_MS = 15_000;

export interface CollectReply {
  ms: number;
  error: { name: string; code: string; message: string } | null;
  accessLog: AccessLogSection;
  total: number;
  rssMb: number;
  maxStallMs: number;
}

export interface StopReply {
  ms: number;
  /** process.getActiveResourcesInfo() right after stop(). */
  resources: string[];
  /** Open descriptors that point into the log's folder. */
  fds: string[];
}

type Message = { ready: AccessLogSection } | { event: AccessLogEvent } | { collect: CollectReply } | { stopped: StopReply };

/**
 * How to run a child without root's privileges, so that a file mode of 000 means EACCES:
 * nothing when we are not root; setpriv (util-linux) or runuser as `nobody` when we are.
 */
export function unprivileged(): string[] | null {
  if (process.getuid?.() !== 0) return [];
  if (existsSync('/usr/bin/setpriv')) return ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
  if (existsSync('/usr/sbin/runuser')) return ['/usr/sbin/runuser', '-u', 'nobody', '--'];
  return null;
}

export class LogHost {
  readonly events: AccessLogEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: Message[] = [];
  private wake: (() => void) | null = null;
  private stderr = '';

  constructor(file: string, options: { pollMs?: number; from?: 'start' | 'end'; callTimeoutMs?: number; asUser?: string[] } = {}) {
    const argv = [file, String(options.pollMs ?? 50), options.from ?? 'start', String(options.callTimeoutMs ?? 3000)];
    const command = [...(options.asUser ?? []), process.execPath, FIXTURE, ...argv];
    this.child = spawn(command[0] ?? process.execPath, command.slice(1), { stdio: 'pipe' });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Message;
      if ('event' in msg) this.events.push(msg.event);
      else this.replies.push(msg);
      this.wake?.();
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.wake?.();
        resolve({ code, signal, stderr: this.stderr });
      }),
    );
  }

  async ready(): Promise<AccessLogSection> {
    return ((await this.next('ready')) as { ready: AccessLogSection }).ready;
  }

  async collect(): Promise<CollectReply> {
    this.child.stdin.write('collect\n');
    return ((await this.next('collect')) as { collect: CollectReply }).collect;
  }

  async stop(): Promise<StopReply> {
    this.child.stdin.write('stop\n');
    return ((await this.next('stopped')) as { stopped: StopReply }).stopped;
  }

  /** The first event with this status (and code), within a bound. */
  async event(status: AccessLogEvent['status'], code?: string, timeoutMs = REPLY_MS): Promise<AccessLogEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.events.find((x) => x.status === status && (code === undefined || x.error?.code === code));
      if (e) return e;
      await this.waitForMessage(deadline, `an '${status}${code ? ` ${code}` : ''}' event`);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private async next(kind: 'ready' | 'collect' | 'stopped'): Promise<Message> {
    const deadline = Date.now() + REPLY_MS;
    for (;;) {
      const i = this.replies.findIndex((m) => kind in m);
      if (i >= 0) return this.replies.splice(i, 1)[0]!;
      await this.waitForMessage(deadline, `the host's '${kind}' reply`);
    }
  }

  private async waitForMessage(deadline: number, what: string): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null)
      throw new Error(`the host exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}:\n${this.stderr}`);
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      this.wake = resolve;
      timer = setTimeout(
        () => reject(new Error(`no ${what} within ${REPLY_MS} ms (the host hangs)\n${this.stderr}`)),
        deadline - Date.now(),
      );
    }).finally(() => {
      clearTimeout(timer);
      this.wake = null;
    });
  }
}

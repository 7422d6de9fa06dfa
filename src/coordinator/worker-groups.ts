/**
 * The coordinator's side of the tree: one supervisor per group of metric workers. The built-in
 * workers form the group 'builtin', whose giving up is the coordinator's own failure (it
 * escalates). Each custom group gets a supervisor of its own (OTP: a nested supervisor per
 * group), so a custom worker in a crash loop exhausts only its own group's intensity: its group
 * is marked failed and the built-in panels keep working.
 */
import { EventEmitter } from 'node:events';
import type { ControlToChild } from '../protocol/control.js';
import type { ChildThread } from '../supervisor/child-thread.js';
import { Supervisor, type SupervisorOptions } from '../supervisor/supervisor.js';
import type { ChildExitEvent, ChildRestartEvent, ChildSpec, ChildStatus } from '../supervisor/types.js';

export const BUILTIN_GROUP = 'builtin';

export interface GroupSpec {
  name: string;
  children: ChildSpec[];
}

export interface WorkerGroupsEvents {
  started: [id: string];
  exit: [event: ChildExitEvent];
  restart: [event: ChildRestartEvent];
  /** A group's supervisor gave up; for BUILTIN_GROUP the owner escalates. */
  'gave-up': [group: string, workers: string[], message: string];
}

export class WorkerGroups extends EventEmitter<WorkerGroupsEvents> {
  private readonly groups: Array<{ name: string; supervisor: Supervisor; workers: string[] }>;
  private readonly byWorker = new Map<string, Supervisor>();
  private readonly groupOf = new Map<string, string>();

  constructor(specs: readonly GroupSpec[], options: SupervisorOptions) {
    super();
    this.groups = specs.map((g) => {
      const supervisor = new Supervisor(g.children, options);
      const workers = g.children.map((c) => c.id);
      for (const id of workers) {
        this.byWorker.set(id, supervisor);
        this.groupOf.set(id, g.name);
      }
      supervisor.on('started', (id) => this.emit('started', id));
      supervisor.on('exit', (e) => this.emit('exit', e));
      supervisor.on('restart', (e) => this.emit('restart', e));
      supervisor.on('gave-up', (message) => this.emit('gave-up', g.name, workers, message));
      return { name: g.name, supervisor, workers };
    });
  }

  /** Starts every group; a worker that cannot start fails the whole start, as before groups existed. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.groups.map((g) => g.supervisor.start()));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    // Newest first, the built-ins last: the reverse of the order they were declared in.
    for (const g of [...this.groups].reverse()) await g.supervisor.stop();
  }

  has(id: string): boolean {
    return this.byWorker.has(id);
  }

  group(id: string): string {
    return this.groupOf.get(id) ?? BUILTIN_GROUP;
  }

  thread(id: string): ChildThread | null {
    return this.byWorker.get(id)?.thread(id) ?? null;
  }

  send(id: string, msg: ControlToChild): boolean {
    return this.byWorker.get(id)?.send(id, msg) ?? false;
  }

  kill(id: string): boolean {
    return this.byWorker.get(id)?.kill(id) ?? false;
  }

  /** Every worker, in declaration order, with its group. */
  children(): Array<ChildStatus & { group: string }> {
    return this.groups.flatMap((g) => g.supervisor.children().map((c) => ({ ...c, group: g.name })));
  }

  sampleVitals(): void {
    for (const g of this.groups) g.supervisor.sampleVitals();
  }

  runningCount(): number {
    return this.groups.reduce((n, g) => n + g.supervisor.runningCount(), 0);
  }
}

/**
 * Every error threadboard throws or rejects with is a ThreadboardError with a stable `code`,
 * so callers can branch on `err.code` instead of parsing messages.
 */
export class ThreadboardError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad option passed to startDashboard(); the message names the option and what it accepts. */
export class OptionsError extends ThreadboardError {
  readonly option: string;
  constructor(option: string, problem: string) {
    super('ERR_THREADBOARD_OPTIONS', `threadboard: option \`${option}\` ${problem}`);
    this.option = option;
  }
}

/** A thread could not be started (bad file, syntax error, crashed before it said it was ready). */
export class StartError extends ThreadboardError {
  /**
   * How the thread that failed to start ended ('error', 'resource', ...). An own field, so it
   * survives the trip across a thread boundary when a nested supervisor fails to start.
   */
  readonly reason: string;
  constructor(message: string, options?: { cause?: unknown; reason?: string }) {
    super('ERR_THREADBOARD_START', message, options);
    this.reason = options?.reason ?? 'error';
  }
}

/** A call to the coordinator did not settle within the call timeout (it kept dying or hanging). */
export class CallTimeoutError extends ThreadboardError {
  constructor(call: string, timeoutMs: number) {
    super(
      'ERR_THREADBOARD_CALL_TIMEOUT',
      `threadboard: ${call}() did not complete within ${timeoutMs} ms because the coordinator thread ` +
        `was not available; raise the \`callTimeoutMs\` option if restarts on this machine are slower`,
    );
  }
}

/** The root supervisor gave up (restart intensity exceeded); the dashboard stays down. */
export class DashboardFailedError extends ThreadboardError {
  constructor(call: string, why: string) {
    super(
      'ERR_THREADBOARD_FAILED',
      `threadboard: ${call}() cannot run because the dashboard has failed: ${why}. ` + `Stop it and start a new one with startDashboard()`,
    );
  }
}

/** The dashboard was stopped before or while the call ran. */
export class DashboardStoppedError extends ThreadboardError {
  constructor(call: string) {
    super('ERR_THREADBOARD_STOPPED', `threadboard: ${call}() was called on a dashboard that is stopped`);
  }
}

/** crash() named a target or fault kind that does not exist. */
export class UnknownTargetError extends ThreadboardError {
  constructor(message: string) {
    super('ERR_THREADBOARD_TARGET', message);
  }
}

/** A call could not run on the coordinator because it died during the call, and the call is not one to repeat. */
export class CoordinatorDiedError extends ThreadboardError {
  constructor(call: string) {
    super('ERR_THREADBOARD_COORDINATOR_DIED', `threadboard: the coordinator died during ${call}(); it is restarting, so try again`);
  }
}

/** The coordinator answered a call with an error (a defect in threadboard: please report it). */
export class CoordinatorCallError extends ThreadboardError {
  constructor(call: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('ERR_THREADBOARD_COORDINATOR_CALL', `threadboard: ${call}() failed in the coordinator thread: ${why}`, { cause });
  }
}

/** The thread a call is aimed at is between incarnations (starting or restarting). */
export class NotRunningError extends ThreadboardError {
  constructor(message: string) {
    super('ERR_THREADBOARD_NOT_RUNNING', message);
  }
}

/** getFleet() on a dashboard started without the `cluster` option. */
export class NoClusterError extends ThreadboardError {
  constructor() {
    super(
      'ERR_THREADBOARD_NO_CLUSTER',
      "threadboard: getFleet() needs cluster mode: start the dashboard with cluster: { name: 'my-fleet', redis: 'redis://host:6379' } (or without redis in a node:cluster app)",
    );
  }
}

/** A method was called with an argument it cannot take; the message names it and what it accepts. */
export class ArgumentError extends ThreadboardError {
  constructor(message: string) {
    super('ERR_THREADBOARD_ARGUMENT', message);
  }
}

/**
 * An app metric's name is already taken: by an instrument of another type (or a histogram of
 * another unit), or its /metrics name would be the same as another instrument's.
 */
export class MetricConflictError extends ThreadboardError {
  /** The name asked for. */
  readonly metric: string;
  constructor(metric: string, message: string) {
    super('ERR_THREADBOARD_METRIC_CONFLICT', message);
    this.metric = metric;
  }
}

/** A new app metric past the cap on instruments per dashboard. */
export class MetricLimitError extends ThreadboardError {
  /** The most instruments one dashboard holds. */
  readonly limit: number;
  constructor(limit: number, message: string) {
    super('ERR_THREADBOARD_METRIC_LIMIT', message);
    this.limit = limit;
  }
}

/** The web server could not listen (port in use, address not on this machine, no privilege). */
export class WebListenError extends ThreadboardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_THREADBOARD_WEB_LISTEN', message, options);
  }
}

/** A worker entry point was run as something else than a worker of a dashboard (e.g. `node worker.mjs`). */
export class NotAWorkerError extends ThreadboardError {
  constructor(message: string) {
    super('ERR_THREADBOARD_NOT_A_WORKER', message);
  }
}

/** An invariant of threadboard itself does not hold: a defect in threadboard (please report it), never in your code. */
export class InternalError extends ThreadboardError {
  constructor(message: string) {
    super('ERR_THREADBOARD_INTERNAL', `threadboard: internal error: ${message}`);
  }
}

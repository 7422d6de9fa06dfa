/**
 * Blessed, loaded with types: it is CommonJS whose exports Node's ESM loader cannot name,
 * hence require().
 */
import { createRequire } from 'node:module';
import type * as Blessed from 'blessed';

const require = createRequire(import.meta.url);

export const blessed = require('blessed') as typeof Blessed;
export type { Widgets } from 'blessed';
export type Program = Blessed.BlessedProgram;

/** Program options blessed accepts but @types/blessed does not declare. */
export interface ProgramOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  terminal?: string;
  /** false: skip terminfo's user-defined capabilities (see terminfo.ts for why). */
  extended?: boolean;
  tput?: boolean;
  buffer?: boolean;
  zero?: boolean;
}

export function createProgram(options: ProgramOptions): Blessed.BlessedProgram {
  return (blessed.program as unknown as (o: ProgramOptions) => Blessed.BlessedProgram)(options);
}

/** Blessed's terminfo search path, which terminfo-compat prepends a directory to. */
export function terminfoSearchPath(): Array<string | string[]> {
  return (blessed as unknown as { tput: { ipaths: Array<string | string[]> } }).tput.ipaths;
}

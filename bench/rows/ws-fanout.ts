/** Placeholder until the WebSocket fan-out measurement lands: reports that the row is not measured. */
import type { BenchContext, Row } from '../lib/row.js';

export async function wsFanoutRows(_ctx: BenchContext): Promise<Row[]> {
  throw new Error('the WebSocket fan-out row is not implemented yet');
}

/** piscina task: parse one chunk of whole access-log lines, handed over (not copied) as bytes. */
import { parseChunk } from '../src/pool/access-log-parse.js';

export default ({ bytes, length }: { bytes: Uint8Array; length: number }) => parseChunk(bytes, length);

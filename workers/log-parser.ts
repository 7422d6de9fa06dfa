/** piscina task: parse one batch of access-log lines. */
import { parseBatch } from '../src/requests/access-log-parse.js';

export default parseBatch;

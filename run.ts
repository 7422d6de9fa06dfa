#!/usr/bin/env node
/** threadboard CLI: the live dashboard of this machine. `threadboard --help` lists the flags. */
import { main } from './src/frontends/cli/main.js';

process.exitCode = await main(process.argv.slice(2));

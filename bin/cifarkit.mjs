#!/usr/bin/env node
// The `cifarkit` command: the CLI lives in dist/cli.js (built from src/cli/ by `npm run build`).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));

// Bundled by test/runtimes/chromium.mjs with esbuild (platform: browser) the way an application
// would: the bare 'cifarkit' import goes through package.json's exports map ("browser" condition).
import * as cifarkit from 'cifarkit';
import { runCases } from './cases.mjs';

globalThis.cifarkit = cifarkit;
globalThis.runCases = runCases;

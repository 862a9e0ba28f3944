/**
 * The commands of `cifarkit`, in the order --help lists them. A new command is a module in this
 * folder exporting a `CliCommand`, and one line here.
 */
import type { CliCommand } from '../command.js';
import { compare } from './compare.js';
import { convert } from './convert.js';
import { detect } from './detect.js';
import { download } from './download.js';
import { dinfo } from './dinfo.js';
import { filter } from './filter.js';
import { merge } from './merge.js';
import { patch } from './patch.js';
import { preview } from './preview.js';
import { projectCommand } from './project.js';
import { stats } from './stats.js';
import { transform } from './transform.js';
import { validate } from './validate.js';

export const COMMANDS: readonly CliCommand[] = [convert, detect, dinfo, stats, compare, filter, merge, patch, transform, validate, preview, download, projectCommand];

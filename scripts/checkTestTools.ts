/**
 * The first step of `npm test`: stops at once, with one line naming what is missing and the command
 * that installs it, when the machine lacks a program the tests need, instead of a stack trace from
 * inside a test minutes later.
 */
import { ferretdbBinary } from '@fedstack/devkit';
import { describeMissingTestTools, findMissingTestTools } from './lib/findMissingTestTools';

const missing = findMissingTestTools({ env: process.env, ferretdbBinary: ferretdbBinary() });
if (missing.length > 0) {
  process.stderr.write(`${describeMissingTestTools(missing)}\n`);
  process.exit(1);
}

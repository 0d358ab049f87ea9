/** The value after `--name` on the command line, '' when it ends there, undefined without the flag. */
export function argvFlag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? '') : undefined;
}

/** Every value of a flag that may be repeated (`--variant a --variant b`). */
export function argvFlags(name: string): string[] {
  return process.argv.flatMap((arg, index) => (arg === `--${name}` && index + 1 < process.argv.length ? [process.argv[index + 1]!] : []));
}

/**
 * `npm run codegen:check` (part of `npm test`): runs GraphQL Code Generator in memory over codegen.yml
 * and fails when a committed generated file differs from what the SDL produces now.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { repoRoot } from './lib/paths';

async function main(): Promise<void> {
  const { config } = await loadCodegenConfig({ configFilePath: resolve(repoRoot, 'codegen.yml') });
  const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as Array<{ filename: string; content: string }>;
  const stale = outputs.filter((output) => {
    try {
      return readFileSync(resolve(repoRoot, output.filename), 'utf8') !== output.content;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    process.stderr.write(`Generated code is out of date with the SDL: run \`npm run codegen\` and commit the result.\n${stale.map((o) => `- ${relative(repoRoot, resolve(repoRoot, o.filename))}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`Generated code is up to date (${outputs.length} files).\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`codegen check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

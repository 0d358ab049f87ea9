/**
 * `npm run codegen:check` (part of `npm test`): runs GraphQL Code Generator in memory over codegen.yml
 * and fails when a committed generated file differs from what the SDL produces now, when a directory
 * target (the client preset's `web/src/__generated__/`) holds a file codegen no longer writes, or when
 * codegen itself fails, for example on an operation that does not validate against the schema; and
 * when a custom scalar of schema/api.graphql is unmapped in web/'s target or in the config client teams
 * copy (docs/examples/codegen.yml), or mapped differently by the two.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { checkClientScalars } from './lib/clientCodegenConfig';
import { repoRoot } from '@fedstack/devkit';

async function main(): Promise<void> {
  const { config } = await loadCodegenConfig({ configFilePath: resolve(repoRoot, 'codegen.yml') });
  const outputs = (await generate({ ...config, cwd: repoRoot, silent: true }, false)) as Array<{ filename: string; content: string }>;
  const stale = outputs
    .filter((output) => {
      try {
        return readFileSync(resolve(repoRoot, output.filename), 'utf8') !== output.content;
      } catch {
        return true;
      }
    })
    .map((output) => relative(repoRoot, resolve(repoRoot, output.filename)));
  // A preset writes a whole folder: a file in it that this run did not produce is left over from an
  // older configuration (say, fragment-masking.ts after masking was turned off) and must go.
  const written = new Set(outputs.map((output) => resolve(repoRoot, output.filename)));
  const leftover = Object.keys(config.generates)
    .filter((target) => target.endsWith('/'))
    .flatMap((folder) => listFiles(resolve(repoRoot, folder)))
    .filter((file) => !written.has(file))
    .map((file) => `${relative(repoRoot, file)} (no longer generated: delete it)`);
  const scalarProblems = checkClientScalars(readFileSync(resolve(repoRoot, 'schema/api.graphql'), 'utf8'));
  if (scalarProblems.length > 0) {
    process.stderr.write(`Client scalar mappings:\n${scalarProblems.map((line) => `- ${line}`).join('\n')}\n`);
    process.exit(1);
  }
  if (stale.length + leftover.length > 0) {
    process.stderr.write(`Generated code is out of date with the SDL: run \`npm run codegen\` and commit the result.\n${[...stale, ...leftover].map((line) => `- ${line}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`Generated code is up to date (${outputs.length} files).\n`);
}

/** Every file under `folder`, or none when it does not exist yet. */
function listFiles(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`codegen check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

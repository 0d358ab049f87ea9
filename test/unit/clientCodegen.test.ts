import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkClientScalars, clientCodegenConfigPath, readCodegenYaml } from '../../scripts/lib/clientCodegenConfig';
import { repoRoot } from '@fedstack/devkit';

/** The config client teams copy (docs/examples/codegen.yml), run as they would run it, on one operation. */
const document = `query UserJoined($id: ID!) { user(id: $id) { id name createdAt } }`;
const apiSchema = resolve(repoRoot, 'schema/api.graphql');

/**
 * Runs GraphQL Code Generator on the config's one target, overriding its `config` when asked, and
 * resolves with the operation types file. In a child Node process: the codegen CLI loads ESM-only
 * modules (yargs) that jest's CommonJS registry cannot.
 */
async function generateOperations(configOverride: (config: Record<string, unknown>) => Record<string, unknown> = (config) => config): Promise<string> {
  const [target, options] = Object.entries(readCodegenYaml(clientCodegenConfigPath).generates)[0]!;
  const config = { schema: apiSchema, documents: [document], generates: { [target]: { ...options, config: configOverride(options.config ?? {}) } }, cwd: repoRoot, silent: true };
  const script = `const { generate } = await import('@graphql-codegen/cli'); process.stdout.write(JSON.stringify(await generate(${JSON.stringify(config)}, false)));`;
  const stdout = await new Promise<string>((done, fail) => {
    execFile(process.execPath, ['--input-type=module', '--eval', script], { cwd: repoRoot, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
      error ? fail(new Error(`codegen failed: ${error.message}\n${err}`)) : done(out),
    );
  });
  const outputs = JSON.parse(stdout) as Array<{ filename: string; content: string }>;
  return outputs.find((output) => output.filename.endsWith('graphql.ts'))!.content;
}

describe('the codegen config client teams copy', () => {
  it('types createdAt as string, from its scalar mapping', async () => {
    expect(await generateOperations()).toContain('export type UserJoinedQuery = { user: { id: string, name: string, createdAt: string } | null };');
  });

  it('is needed: without the mapping createdAt is unknown', async () => {
    const { scalars: _scalars, strictScalars: _strict, ...unmapped } = (readCodegenYaml(clientCodegenConfigPath).generates['src/__generated__/']?.config ?? {}) as Record<string, unknown>;
    expect(await generateOperations(() => unmapped)).toContain('createdAt: unknown');
  });

  it('and the web app map every scalar of the API schema, alike (what codegen:check enforces)', () => {
    expect(checkClientScalars(readFileSync(apiSchema, 'utf8'))).toEqual([]);
    expect(checkClientScalars(`${readFileSync(apiSchema, 'utf8')}\nscalar Money\n`)).toEqual([
      'docs/examples/codegen.yml maps no type to the scalar Money: clients would type it unknown.',
      "codegen.yml's web/src/__generated__/ target maps no type to the scalar Money.",
    ]);
  });

  it('is what docs/clients.md shows, word for word', () => {
    expect(readFileSync(resolve(repoRoot, 'docs/clients.md'), 'utf8')).toContain(`\`\`\`yaml\n${readFileSync(clientCodegenConfigPath, 'utf8')}\`\`\``);
  });
});

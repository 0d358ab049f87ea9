import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '@fedstack/devkit';

/** The codegen config client teams copy: docs/examples/codegen.yml. */
export const clientCodegenConfigPath = resolve(repoRoot, 'docs/examples/codegen.yml');

/** The shape of a codegen.yml this project reads back: one client-preset target and its config. */
interface CodegenYaml {
  config?: { scalars?: Record<string, string> };
  generates: Record<string, { config?: { scalars?: Record<string, string>; [option: string]: unknown }; [option: string]: unknown }>;
}

/** Reads a codegen.yml. */
export function readCodegenYaml(path: string): CodegenYaml {
  return parseYaml(readFileSync(path, 'utf8')) as CodegenYaml;
}

/**
 * What is wrong with the scalar mappings of the project's own client target (`web/src/__generated__/`
 * in codegen.yml) and of the config client teams copy: a custom scalar of schema/api.graphql that one
 * of them leaves unmapped (its fields would be typed `unknown`), or the two mapping a scalar differently.
 */
export function checkClientScalars(apiSchemaSdl: string): string[] {
  const customScalars = [...apiSchemaSdl.matchAll(/^scalar (\w+)/gm)].map((match) => match[1]!);
  const shipped = Object.values(readCodegenYaml(clientCodegenConfigPath).generates)[0]?.config?.scalars ?? {};
  const web = readCodegenYaml(resolve(repoRoot, 'codegen.yml')).generates['web/src/__generated__/']?.config?.scalars ?? {};
  const problems: string[] = [];
  for (const scalar of customScalars) {
    if (!shipped[scalar]) problems.push(`docs/examples/codegen.yml maps no type to the scalar ${scalar}: clients would type it unknown.`);
    if (!web[scalar]) problems.push(`codegen.yml's web/src/__generated__/ target maps no type to the scalar ${scalar}.`);
    if (shipped[scalar] && web[scalar] && shipped[scalar] !== web[scalar]) {
      problems.push(`The scalar ${scalar} is ${web[scalar]} for web/ but ${shipped[scalar]} in docs/examples/codegen.yml: make them agree.`);
    }
  }
  return problems;
}

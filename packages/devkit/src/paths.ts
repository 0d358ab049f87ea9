import { resolve } from 'node:path';

/** The repository's root folder. */
export const repoRoot = resolve(__dirname, '../../..');

/** The folder with the SDL files (the source of truth) and the composed supergraph and API schema. */
export const schemaDir = resolve(repoRoot, 'schema');

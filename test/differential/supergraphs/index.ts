import type { SupergraphFixture } from '../kit/types';
import { catalogFixture } from './catalog';
import { projectFixture } from './project';
import { shopFixture } from './shop';
import { specFixture } from './spec';

/** Every supergraph the differential suite runs, each a folder beside this file. */
export const fixtures: SupergraphFixture[] = [projectFixture(), shopFixture(), catalogFixture(), specFixture()];

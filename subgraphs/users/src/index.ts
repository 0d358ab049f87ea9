import { runSubgraph } from '@fedstack/subgraph';
import { loadConfig } from './config';
import { createUsersService } from './service';

runSubgraph({ name: 'users', env: process.env, loadConfig, createService: createUsersService });

import { runSubgraph } from '@fedstack/subgraph';
import { loadConfig } from './config';
import { createOrdersService } from './service';

runSubgraph({ name: 'orders', env: process.env, loadConfig, createService: createOrdersService });

import type { Config } from 'jest';
import base from './jest.config';

/**
 * `npm run test:load`: the long load run (spec/load/*.load-spec.ts), kept out of `npm test`
 * (whose testMatch is `*.spec.ts`). Same transform as the main config; one worker; generous timeout.
 */
const config: Config = {
  ...base,
  roots: ['<rootDir>/spec/load'],
  testMatch: ['**/*.load-spec.ts'],
  testTimeout: 600_000,
  maxWorkers: 1,
};

export default config;

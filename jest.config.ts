import type { Config } from 'jest';

/** Jest runs the TypeScript specs through ts-jest; `npm test` type-checks with tsc first. */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // Angular ships ES modules only: spec/angular runs them through esbuild as CommonJS.
    '^.+\\.mjs$': '<rootDir>/spec/angular/jest-esm-transform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 20000,
};

export default config;

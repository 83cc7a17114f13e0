
import { createCjsPreset } from 'jest-preset-angular/presets';

const preset = createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' });

/**
 * The example runs aui-rx from its built package (node_modules/aui-rx → ../..), like an app would.
 * rxjs is mapped to this app's own copy so the library and the app share ONE rxjs (it is a peer
 * dependency: two copies would break TestScheduler virtual time and `instanceof Observable`).
 */
const config = {
  ...preset,
  testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
  setupFilesAfterEnv: ['<rootDir>/setup-jest.ts'],
  roots: ['<rootDir>/src'],
  moduleNameMapper: {
    '^rxjs$': '<rootDir>/node_modules/rxjs/dist/cjs/index.js',
    '^rxjs/(.*)$': '<rootDir>/node_modules/rxjs/dist/cjs/$1/index.js',
  },
} satisfies Record<string, unknown>;

export default config;

/**
 * Angular's TestBed in this project's Jest (node environment, CommonJS): the JIT compiler links the
 * partially compiled Angular packages, the browser testing platform is set up once per spec file,
 * and every test module is zoneless (Angular's test hooks reset TestBed after each test, which
 * destroys the module and so closes the client it provided). These specs render no component, and
 * the node environment has no DOM: the renderer that would insert and remove root elements is a no-op.
 */
import '@angular/compiler';
import { provideZonelessChangeDetection, type EnvironmentProviders, type Provider } from '@angular/core';
import { TestBed, TestComponentRenderer, getTestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

const NO_DOM_RENDERER: TestComponentRenderer = { insertRootElement: () => undefined, removeAllRootElements: () => undefined };

/** Initialises the test environment once, then configures a zoneless testing module with `providers`. */
export function configureTestBed(providers: Array<Provider | EnvironmentProviders>): void {
  const testBed = getTestBed();
  if (!testBed.platform) testBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting(), { teardown: { destroyAfterEach: true } });
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), { provide: TestComponentRenderer, useValue: NO_DOM_RENDERER }, ...providers] });
}

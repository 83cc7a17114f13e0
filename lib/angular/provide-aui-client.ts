/**
 * The client in Angular's dependency injection: {@link provideAuiClient} registers one `AuiClient`
 * per environment injector (created lazily, closed with the injector), {@link AUI_CLIENT} is its
 * token and {@link injectAuiClient} reads it. Plain TypeScript: no decorators, no compiler step.
 *
 * @packageDocumentation
 */
import {
  DestroyRef,
  InjectionToken,
  assertInInjectionContext,
  inject,
  makeEnvironmentProviders,
  type EnvironmentProviders,
  type Injector,
  type Provider,
} from '@angular/core';
import { AuiClient } from '../client.js';
import type { AuiClientOptions } from '../options.js';

/** The app's `AuiClient`, as {@link provideAuiClient} provides it. */
export const AUI_CLIENT = new InjectionToken<AuiClient>('AUI_CLIENT');

/** The options of {@link provideAuiClient}: an object, or a function called once in the injection context (it may `inject()`). */
export type AuiClientOptionsInput = AuiClientOptions | (() => AuiClientOptions);

/** Which feature an {@link AuiClientFeature} is. */
export type AuiClientFeatureKind = 'http-client';

/** A feature of {@link provideAuiClient}, such as `withHttpClient()`. */
export interface AuiClientFeature {
  /** Which feature this is; each kind may be given once. */
  readonly kind: AuiClientFeatureKind;
  /** Providers the feature adds beside the client. */
  readonly providers: ReadonlyArray<Provider | EnvironmentProviders>;
  /**
   * Changes the options before the client is created. Runs in the injection context of the
   * client's factory, so it may `inject()`.
   */
  readonly configure: (options: AuiClientOptions) => AuiClientOptions;
}

/**
 * Provides one `AuiClient` under {@link AUI_CLIENT}. The client is created the first time it is
 * injected, in the injection context of the environment injector that holds these providers (so
 * an options function and the features may `inject()`), and closed (every socket, code 1000) when
 * that injector is destroyed: an app shutdown, a destroyed TestBed module, a route's injector.
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [provideHttpClient(withFetch()), provideAuiClient({ baseUrl: '/aui' }, withHttpClient())],
 * });
 */
export function provideAuiClient(options: AuiClientOptionsInput, ...features: AuiClientFeature[]): EnvironmentProviders {
  const kinds = new Set<AuiClientFeatureKind>();
  for (const feature of features) {
    if (kinds.has(feature.kind)) throw new Error(`provideAuiClient: the '${feature.kind}' feature is given twice`);
    kinds.add(feature.kind);
  }
  return makeEnvironmentProviders([
    {
      provide: AUI_CLIENT,
      useFactory: (): AuiClient => {
        const destroyRef = inject(DestroyRef);
        let resolved = typeof options === 'function' ? options() : options;
        for (const feature of features) resolved = feature.configure(resolved);
        const client = new AuiClient(resolved);
        destroyRef.onDestroy(() => client.close());
        return client;
      },
    },
    ...features.flatMap((feature) => feature.providers),
  ]);
}

/** Options of {@link injectAuiClient}. */
export interface InjectAuiClientOptions {
  /**
   * The injector to read the client from, for calls outside an injection context.
   * @default the current injection context
   */
  readonly injector?: Injector;
}

/**
 * The `AuiClient` that {@link provideAuiClient} (or `provideAuiTesting()`) provides. Call it in an
 * injection context (a constructor, a field initializer, a provider factory) or pass `injector`.
 *
 * @example
 * export class TasksService {
 *   private readonly client = injectAuiClient();
 *   readonly tasks$ = this.client.listAllTasks({ user_id: 'user-1' });
 * }
 */
export function injectAuiClient(options: InjectAuiClientOptions = {}): AuiClient {
  if (options.injector) return options.injector.get(AUI_CLIENT);
  assertInInjectionContext(injectAuiClient);
  return inject(AUI_CLIENT);
}

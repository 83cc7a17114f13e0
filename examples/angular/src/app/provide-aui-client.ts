import { DestroyRef, inject, type FactoryProvider } from '@angular/core';
import { AuiClient, type AuiClientOptions } from 'aui-rx';
import { AUI_CLIENT } from './aui-chat.service';

/** The app's provider: one AuiClient, closed (every socket, code 1000) when its injector is destroyed. */
export function provideAuiClient(options: AuiClientOptions): FactoryProvider {
  return {
    provide: AUI_CLIENT,
    useFactory: () => {
      const client = new AuiClient(options);
      inject(DestroyRef).onDestroy(() => client.close());
      return client;
    },
  };
}

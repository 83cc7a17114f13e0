import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideAuiClient } from 'aui-rx/angular';
import { CHAT_TARGET, chatTargetFromPage } from './chat-target';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The page talks to its own server's relay (aui-rx/relay) under /aui: no API key in the browser.
    // The relay adds the key upstream and scopes every call to the signed-in user.
    provideAuiClient({ baseUrl: '/aui' }),
    { provide: CHAT_TARGET, useFactory: () => chatTargetFromPage(location.search, document.cookie) },
  ],
};

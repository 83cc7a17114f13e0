import { Component } from '@angular/core';
import { Chat } from './chat/chat';

@Component({
  selector: 'app-root',
  imports: [Chat],
  template: `
    <header>
      <h1>AUI chat</h1>
      <p>Angular 21 · aui-rx/angular · through an aui-rx/relay (no key in this page)</p>
    </header>
    <app-chat />
  `,
  styles: `
    :host { display: block; max-width: 44rem; margin: 0 auto; padding: 1rem; }
    header h1 { margin: 0; font-size: 1.4rem; }
    header p { margin: 0.2rem 0 1rem; color: #666; font-size: 0.85rem; }
  `,
})
export class App {}

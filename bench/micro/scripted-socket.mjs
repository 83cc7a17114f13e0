// The socket of the micro benchmarks: a MockWebSocket (from the built aui-rx/testing) that opens on
// the next microtask and answers every user message with `reply()` (a list of frames), synchronously
// after a microtask. No network: what the benchmarks then time is the client itself.
import { pathToFileURL } from 'node:url';

/** A WebSocket constructor for AuiClient's `WebSocket` option, from the build in `dist`. */
export async function scriptedSocket(dist, reply) {
  const { MockWebSocket } = await import(pathToFileURL(`${dist}/testing/index.js`).href);
  return class ScriptedSocket extends MockWebSocket {
    constructor(...args) {
      super(...args);
      queueMicrotask(() => this.open());
    }
    send(data) {
      super.send(data);
      this.sent.length = 0;
      queueMicrotask(() => {
        for (const frame of reply()) this.receive(frame);
      });
    }
  };
}

/**
 * A bare `ws` client for specs of the fake server itself: records every frame and the close.
 */
import WebSocket from 'ws';
import { until } from './ws-server.js';

/** One raw session against a WebSocket URL. */
export class RawSession {
  readonly frames: string[] = [];
  close: { code: number; reason: string } | undefined;
  error: Error | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(String(data)));
    ws.on('close', (code, reason) => (this.close = { code, reason: String(reason) }));
    ws.on('error', (error) => (this.error = error));
  }

  /** Connects (rejects when the handshake fails). */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawSession> {
    const session = new RawSession(new WebSocket(url, options));
    return new Promise((resolve, reject) => {
      session.ws.once('open', () => resolve(session));
      session.ws.once('error', reject);
    });
  }

  /** Sends a JSON value (or a raw string). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Every frame, JSON-parsed (a non-JSON frame becomes `{ raw: text }`). */
  get json(): Array<Record<string, unknown>> {
    return this.frames.map((f) => {
      try {
        return JSON.parse(f) as Record<string, unknown>;
      } catch {
        return { raw: f };
      }
    });
  }

  /** Waits until `n` frames have arrived. */
  frameCount(n: number): Promise<void> {
    return until(() => this.frames.length >= n);
  }

  /** Waits until a final message (a frame with `id` and `text`, or a `final_message` envelope) arrived. */
  async final(): Promise<Record<string, unknown>> {
    const isFinal = (f: Record<string, unknown>): boolean => ('id' in f && 'text' in f) || f['type'] === 'final_message';
    await until(() => this.json.some(isFinal) || this.close !== undefined);
    const found = this.json.find(isFinal);
    if (!found) throw new Error(`closed without a final message: ${JSON.stringify(this.close)}`);
    return found;
  }

  /** Waits for the close. */
  async closed(): Promise<{ code: number; reason: string }> {
    await until(() => this.close !== undefined);
    return this.close as { code: number; reason: string };
  }

  /** Closes (1000) and waits for the close to complete. */
  async end(): Promise<void> {
    if (this.close) return;
    this.ws.close(1000);
    await this.closed();
  }
}

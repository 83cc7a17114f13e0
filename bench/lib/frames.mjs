// Wire payloads of the bench server, pre-encoded as RFC 6455 frames (server → client: unmasked,
// FIN + text opcode), so the server's cost per frame is one memcpy at build time and ~nothing at send.

export const TEXT_UPDATE_EVENT = 'thread-message-text-content-updated';

/**
 * Delta texts of the A2 text updates. Each is 15 characters, so each frame's JSON is exactly 81 bytes.
 * They cycle, and no two consecutive ones are equal, so no delta ever starts with the text accumulated
 * before it (a client telling cumulative from delta updates by prefix sees deltas throughout).
 */
export const DELTAS = [' microwave oven', ' sensor cooking', ' stainless body', ' thirty liters.', ' air fry option', ' budget models,', ' built-in trims', ' compact models'];
for (const d of DELTAS) if (d.length !== 15) throw new Error(`delta ${JSON.stringify(d)} is not 15 chars`);
export const DELTA_LENGTH = 15;

/** JSON of one A2 text update. */
export const textUpdateJson = (text) => JSON.stringify({ event: TEXT_UPDATE_EVENT, data: { text } });

/** An unmasked RFC 6455 text frame carrying `payload` (a Buffer). */
export function wsTextFrame(payload) {
  const len = payload.length;
  let header;
  if (len < 126) header = Buffer.from([0x81, len]);
  else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

/** The ~2 KB final message: a complete AgentMessage with cards and follow-up suggestions. */
export function finalMessageJson(targetBytes = 2048) {
  const card = (i, recommended) => ({
    id: `prod_${1000 + i}`,
    name: `Frigidaire Gallery Built-In Microwave model ${i}`,
    category: 'microwaves',
    is_recommended: recommended,
    parameters: [
      { param: 'price', title: 'Price', value: 299 + i * 50, type: 'numeric' },
      { param: 'capacity', title: 'Capacity', value: `${20 + i} L`, type: 'string' },
      { param: 'features', title: 'Features', value: ['Sensor cooking', 'Air fry'], type: 'array' },
    ],
  });
  const message = {
    id: 'msg_bench_final',
    created_at: '2025-11-12T14:03:46.984000',
    text: 'I found several built-in microwaves that match your request.',
    sender: { id: 'intelligent-agent', type: 'agent', email: null },
    receiver: { id: 'bench-user', type: 'user', email: null },
    cards: [card(1, true), card(2, false), card(3, false), card(4, false)],
    followup_suggestions: ['Does it have sensor cooking?', 'What are the dimensions?', 'Is there a stainless steel version?'],
  };
  let json = JSON.stringify(message);
  if (json.length < targetBytes) {
    message.text += ' '.padEnd(targetBytes - json.length, 'x');
    json = JSON.stringify(message);
  }
  return json;
}

const ENCODED_DELTAS = DELTAS.map((d) => wsTextFrame(Buffer.from(textUpdateJson(d))));
export const TEXT_FRAME_BYTES = ENCODED_DELTAS[0].length - 2; // payload bytes (81)
export const FINAL_JSON = finalMessageJson();
export const FINAL_FRAME = wsTextFrame(Buffer.from(FINAL_JSON));
/** One short text update (latency scenario). */
export const SHORT_TEXT_FRAME = wsTextFrame(Buffer.from(textUpdateJson('Hello')));

/** The i-th pre-encoded text-update frame. */
export const encodedDelta = (i) => ENCODED_DELTAS[i % ENCODED_DELTAS.length];

/** One Buffer holding `n` text-update frames followed by the final frame. */
export function bulkTurnBuffer(n) {
  const frameLen = ENCODED_DELTAS[0].length;
  for (const f of ENCODED_DELTAS) if (f.length !== frameLen) throw new Error('delta frames differ in length');
  const buf = Buffer.allocUnsafe(n * frameLen + FINAL_FRAME.length);
  for (let i = 0; i < n; i++) ENCODED_DELTAS[i % ENCODED_DELTAS.length].copy(buf, i * frameLen);
  FINAL_FRAME.copy(buf, n * frameLen);
  return buf;
}

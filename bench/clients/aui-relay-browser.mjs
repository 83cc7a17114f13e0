// The browser side of the aui-relay scenario: a child of the relay-host client process, so the relay
// process's CPU counts the relay alone. Commands over IPC:
//   {cmd:'turn', port, frames}   one session (user bench-user), one bulk turn; answers {type:'turn', received, ms}
//   {cmd:'open', port, count}    count idle sessions (users s0…, one each); answers {type:'opened'}
//   {cmd:'closeAll'}             closes them; answers {type:'closed'}
// It exits when its parent goes.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const PATH = '/api/v1/external/session';
const idle = [];

function connect(port, user) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${PATH}`, { headers: { 'x-user': user }, perMessageDeflate: false, skipUTF8Validation: true });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function turn(port, frames) {
  const ws = await connect(port, 'bench-user');
  const t0 = process.hrtime.bigint();
  const received = await new Promise((resolve, reject) => {
    let n = 0;
    ws.on('message', () => {
      if (++n === frames + 1) resolve(n);
    });
    ws.once('close', (code) => reject(new Error(`closed ${code} after ${n} frames`)));
    ws.send(JSON.stringify({ task_id: 'bench-task', text: `bulk:${frames}` }));
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((resolve) => (ws.once('close', resolve), ws.close(1000)));
  return { received, ms };
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'turn') process.send({ type: 'turn', ...(await turn(m.port, m.frames)) });
    else if (m.cmd === 'open') {
      for (let i = 0; i < m.count; i += 50) idle.push(...(await Promise.all(Array.from({ length: Math.min(50, m.count - i) }, (_, k) => connect(m.port, `s${i + k}`)))));
      process.send({ type: 'opened' });
    } else if (m.cmd === 'closeAll') {
      await Promise.all(idle.splice(0).map((ws) => new Promise((resolve) => (ws.once('close', resolve), ws.close(1000)))));
      process.send({ type: 'closed' });
    }
  } catch (err) {
    process.send({ type: 'error', error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));

import { encodeUserMessageFrame, UserMessageFrameSchema } from '../../lib/protocol/client-frames';
import { FRAME_USER_MESSAGE } from '../helpers/fixtures';

describe('user message frame', () => {
  it('parses the documented frame (with context) unchanged', () => {
    expect(UserMessageFrameSchema.parse(FRAME_USER_MESSAGE)).toEqual(FRAME_USER_MESSAGE);
  });

  it('requires task_id and non-blank text', () => {
    expect(UserMessageFrameSchema.safeParse({ text: 'hi' }).success).toBe(false);
    expect(UserMessageFrameSchema.safeParse({ task_id: 't', text: '  ' }).success).toBe(false);
  });

  it('encodes exactly the members given, in order, leaving undefined ones out', () => {
    expect(encodeUserMessageFrame({ task_id: 't1', text: 'hi' })).toBe('{"task_id":"t1","text":"hi"}');
    expect(encodeUserMessageFrame({ task_id: 't1', text: 'hi', context: null })).toBe('{"task_id":"t1","text":"hi","context":null}');
    const frame = UserMessageFrameSchema.parse(FRAME_USER_MESSAGE);
    expect(JSON.parse(encodeUserMessageFrame(frame))).toEqual(FRAME_USER_MESSAGE);
  });

  it('round-trips text with quotes, newlines and non-ASCII', () => {
    const text = 'He said "hi"\nthen — 日本語 🎉';
    expect(JSON.parse(encodeUserMessageFrame({ task_id: 't', text }))).toEqual({ task_id: 't', text });
  });
});

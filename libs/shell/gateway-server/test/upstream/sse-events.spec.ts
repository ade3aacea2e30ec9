import { SseEventSplitter } from '../../src/upstream/sse-events';

describe('SSE events', () => {
  it('splits events across arbitrary chunk boundaries', () => {
    const stream = 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < stream.length; cut++) {
      const splitter = new SseEventSplitter();
      const events = [...splitter.push(Buffer.from(stream.slice(0, cut))), ...splitter.push(Buffer.from(stream.slice(cut)))];
      expect(events).toEqual(['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n']);
      expect(splitter.rest()).toBe('');
    }
  });

  it('accepts CRLF and CR line endings, split anywhere (even between CR and LF), and hands out LF events', () => {
    const expected = ['data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3}}\n\n', 'data: [DONE]\n\n'];
    for (const newline of ['\r\n', '\r', '\n']) {
      const stream = expected.map((event) => event.replaceAll('\n', newline)).join('');
      for (let cut = 1; cut < stream.length; cut++) {
        const splitter = new SseEventSplitter();
        const events = [...splitter.push(Buffer.from(stream.slice(0, cut))), ...splitter.push(Buffer.from(stream.slice(cut)))];
        expect(events).toEqual(expected);
        expect(splitter.rest()).toBe('');
      }
    }
  });

  it('keeps multi-byte characters intact when split inside them', () => {
    const bytes = Buffer.from('data: {"t":"한빛"}\n\n');
    const splitter = new SseEventSplitter();
    // Splitting a UTF-8 sequence must not corrupt it: feed byte by byte.
    const events = [...bytes].flatMap((byte) => splitter.push(Buffer.from([byte])));
    expect(events.join('')).toBe('data: {"t":"한빛"}\n\n');
  });
});

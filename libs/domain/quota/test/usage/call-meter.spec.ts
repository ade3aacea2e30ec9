import fc from 'fast-check';
import { CallMeter, usageBounds, type ReportedUsage } from '../../src/usage/call-meter';

const estimate = { promptTokens: 40, outputTokens: 100, nonTextParts: 1 };
const endpoint = { maxRequestBytes: 1_000, imageInputTokens: 765 };
const chunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const usageChunk = (usage: unknown) => `data: ${JSON.stringify({ choices: [], usage })}\n\n`;

function meter() {
  const implausible: ReportedUsage[] = [];
  return { meter: new CallMeter(estimate, usageBounds(estimate, endpoint), (reported) => implausible.push(reported)), implausible };
}

describe('CallMeter', () => {
  it('bounds the prompt by the request bytes plus images, the completion by the output allowance', () => {
    expect(usageBounds(estimate, endpoint)).toEqual({ promptTokens: 1_765, completionTokens: 100 });
  });

  it('believes plausible upstream usage', () => {
    const { meter: m, implausible } = meter();
    m.observeEvent(chunk('안녕하세요'));
    m.observeEvent(usageChunk({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 }));
    expect(m.charge()).toEqual({ promptTokens: 12, completionTokens: 5 });
    expect(implausible).toEqual([]);
  });

  it.each([
    ['absurd', 3_000_000_000],
    ['negative', -5],
    ['fractional', 2.5],
    ['a string', '12'],
    ['above the int4 range', 2 ** 53],
    ['not finite', null],
  ])('replaces %s usage by its own count, and reports it', (_label, value) => {
    const { meter: m, implausible } = meter();
    m.observeEvent(chunk('잔액 조회'));
    m.observeEvent(usageChunk({ prompt_tokens: value, completion_tokens: value }));
    expect(m.charge()).toEqual({ promptTokens: 40, completionTokens: 4 });
    expect(implausible).toHaveLength(1);
  });

  it('without usage, charges the prompt estimate and the text relayed so far (CRLF events too)', () => {
    const { meter: m } = meter();
    m.observeEvent(chunk('ledger '));
    m.observeEvent(chunk('balance').replace(/\n/g, '\r\n'));
    m.observeEvent('data: [DONE]\n\n');
    expect(m.charge()).toEqual({ promptTokens: 40, completionTokens: 2 + 2 });
  });

  it('never charges more completion tokens than the upstream was allowed', () => {
    const { meter: m } = meter();
    for (let i = 0; i < 300; i++) m.observeEvent(chunk('x.'));
    expect(m.charge().completionTokens).toBe(100);
  });

  it('counts a whole response body: message text and tool call arguments', () => {
    const { meter: m } = meter();
    m.observeBody({ choices: [{ message: { content: '네', tool_calls: [{ function: { name: 'f', arguments: '{}' } }] } }] });
    expect(m.charge()).toEqual({ promptTokens: 40, completionTokens: 1 + 1 + 2 });
  });

  it('charges a non-negative safe integer within the bounds, whatever the upstream says', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (prompt, completion) => {
        const { meter: m } = meter();
        m.observeBody({ usage: { prompt_tokens: prompt, completion_tokens: completion } });
        const charged = m.charge();
        for (const [value, bound] of [
          [charged.promptTokens, 1_765],
          [charged.completionTokens, 100],
        ] as const) {
          expect(Number.isSafeInteger(value) && value >= 0 && value <= bound).toBe(true);
        }
      }),
    );
  });
});

describe('CallMeter.observeEvent tells the relay what an event is', () => {
  it.each([
    ['data: [DONE]\n\n', { done: true, usageOnly: false }],
    ['data: [DONE]\r\n\r\n', { done: true, usageOnly: false }],
    ['data:[DONE]\n\n', { done: true, usageOnly: false }],
    [usageChunk({ prompt_tokens: 1, completion_tokens: 2 }), { done: false, usageOnly: true }],
    [usageChunk({ prompt_tokens: 1, completion_tokens: 2 }).replace(/\n/g, '\r\n'), { done: false, usageOnly: true }],
    [chunk('x'), { done: false, usageOnly: false }],
    [`data: ${JSON.stringify({ choices: [{ delta: { content: 'x' } }], usage: null })}\n\n`, { done: false, usageOnly: false }],
    [': keep-alive comment\n\n', { done: false, usageOnly: false }],
    ['data: not json\n\n', { done: false, usageOnly: false }],
  ])('%j', (event, kind) => {
    expect(meter().meter.observeEvent(event)).toEqual(kind);
  });
});

import fc from 'fast-check';
import { CallMeter, usageBounds } from '../../src/usage/call-meter';

const estimate = { promptTokens: 40, outputTokens: 100, nonTextParts: 0 };
const bounds = usageBounds(estimate, { maxRequestBytes: 1_000, imageInputTokens: 0 });
const responsesEvent = (type: string, fields: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...fields })}\n\n`;

describe('CallMeter on the Responses API and rerank', () => {
  it('reads the Responses usage names from a whole body', () => {
    const meter = new CallMeter(estimate, bounds);
    meter.observeBody({ object: 'response', output: [], usage: { input_tokens: 21, output_tokens: 9, total_tokens: 30 } });
    expect(meter.charge()).toEqual({ promptTokens: 21, completionTokens: 9 });
  });

  it('ends a Responses stream at response.completed (no [DONE]) and charges its usage', () => {
    const meter = new CallMeter(estimate, bounds);
    expect(meter.observeEvent(responsesEvent('response.created', { response: { usage: null } }))).toEqual({ done: false, usageOnly: false });
    expect(meter.observeEvent(responsesEvent('response.output_text.delta', { delta: '안녕' })).done).toBe(false);
    const last = meter.observeEvent(responsesEvent('response.completed', { response: { usage: { input_tokens: 7, output_tokens: 3 } } }));
    expect(last).toEqual({ done: true, usageOnly: false });
    expect(meter.charge()).toEqual({ promptTokens: 7, completionTokens: 3 });
  });

  it('charges the deltas relayed when a Responses stream is cut before its usage, never above the allowance', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 60 }), (deltas) => {
        const meter = new CallMeter(estimate, bounds);
        for (const delta of deltas) meter.observeEvent(responsesEvent('response.output_text.delta', { delta }));
        const charged = meter.charge();
        expect(charged.promptTokens).toBe(40);
        // Text was relayed: it is charged (the old meter saw no `choices` and charged nothing).
        expect(charged.completionTokens).toBeGreaterThanOrEqual(deltas.some((delta) => /\S/.test(delta)) ? 1 : 0);
        expect(charged.completionTokens).toBeLessThanOrEqual(100);
      }),
    );
  });

  it("takes a rerank answer's total_tokens (its only figure) as the prompt", () => {
    const meter = new CallMeter(estimate, bounds);
    meter.observeBody({ results: [], usage: { total_tokens: 33 } });
    expect(meter.charge()).toEqual({ promptTokens: 33, completionTokens: 0 });
  });
});

import { callGatewayAsKeyArrives, type GatewayAnswer } from '../src/pages/playground/gateway-call';

const answer = (status: number, code?: string): GatewayAnswer => ({ status, requestId: null, text: null, usage: null, error: code ? { code } : null });

describe('a freshly minted playground key and the gateway that has not heard of it yet', () => {
  it('retries a fresh key while the gateway answers invalid_api_key, then takes the answer', async () => {
    const answers = [answer(401, 'invalid_api_key'), answer(401, 'invalid_api_key'), answer(200)];
    const call = jest.fn(async () => answers.shift()!);
    expect((await callGatewayAsKeyArrives(call, true)).status).toBe(200);
    expect(call).toHaveBeenCalledTimes(3);
  });

  it('never retries a key that is not fresh, nor another refusal', async () => {
    const stale = jest.fn(async () => answer(401, 'invalid_api_key'));
    expect((await callGatewayAsKeyArrives(stale, false)).status).toBe(401);
    expect(stale).toHaveBeenCalledTimes(1);
    const refused = jest.fn(async () => answer(403, 'use_case_not_approved'));
    expect((await callGatewayAsKeyArrives(refused, true)).status).toBe(403);
    expect(refused).toHaveBeenCalledTimes(1);
  });
});

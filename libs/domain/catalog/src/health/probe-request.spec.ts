import { outcomeOfError, outcomeOfResponse, probeHeaders, probeUrl } from './probe-request';

describe('health probe requests', () => {
  it('probes /v1/models, or the Azure models listing with its api-version', () => {
    expect(probeUrl({ driver: 'openai-compatible', upstreamUrl: 'http://127.0.0.1:18090', azureApiVersion: null })).toBe('http://127.0.0.1:18090/v1/models');
    expect(probeUrl({ driver: 'openai-compatible', upstreamUrl: 'https://x.example/base/', azureApiVersion: null })).toBe('https://x.example/base/v1/models');
    expect(probeUrl({ driver: 'azure-openai', upstreamUrl: 'https://r.openai.azure.com', azureApiVersion: '2024-10-21' })).toBe(
      'https://r.openai.azure.com/openai/models?api-version=2024-10-21',
    );
  });

  it('authenticates like the driver does', () => {
    expect(probeHeaders('openai-compatible', 'k')).toMatchObject({ authorization: 'Bearer k' });
    expect(probeHeaders('azure-openai', 'k')).toMatchObject({ 'api-key': 'k' });
    expect(probeHeaders('openai-compatible', undefined)).toEqual({ accept: 'application/json' });
  });

  it('2xx is healthy; anything else, timeouts and network errors are not', () => {
    expect(outcomeOfResponse(200, 12.4)).toEqual({ health: 'healthy', detail: 'HTTP 200 in 12 ms' });
    expect(outcomeOfResponse(401, 3)).toEqual({ health: 'unhealthy', detail: 'HTTP 401 in 3 ms (upstream refused the credential)' });
    expect(outcomeOfResponse(503, 3).health).toBe('unhealthy');
    expect(outcomeOfError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 500)).toEqual({
      health: 'unhealthy',
      detail: 'no answer within 500 ms',
    });
    expect(outcomeOfError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 500)).toEqual({
      health: 'unhealthy',
      detail: 'unreachable: ECONNREFUSED',
    });
  });
});

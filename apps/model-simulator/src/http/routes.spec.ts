import { azureApiVersion, resolveRoute } from './routes';

describe('resolveRoute', () => {
  it.each([
    ['POST', '/v1/chat/completions', { kind: 'chat', deployment: null }],
    ['POST', '/v1/chat/completions?x=1', { kind: 'chat', deployment: null }],
    ['POST', '/v1/embeddings', { kind: 'embeddings', deployment: null }],
    ['POST', '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21', { kind: 'chat', deployment: 'gpt-4o' }],
    ['POST', '/openai/deployments/my%20embed/embeddings?api-version=1', { kind: 'embeddings', deployment: 'my embed' }],
    ['GET', '/v1/models', { kind: 'models' }],
    ['GET', '/v1/models/org%2Fmodel', { kind: 'model', id: 'org/model' }],
    ['GET', '/healthz', { kind: 'health' }],
    ['GET', '/_sim/config', { kind: 'sim-config' }],
    ['POST', '/_sim/config', { kind: 'sim-config' }],
    ['POST', '/_sim/config/reset', { kind: 'sim-config-reset' }],
    ['GET', '/_sim/stats', { kind: 'sim-stats' }],
    ['POST', '/_sim/stats/reset', { kind: 'sim-stats-reset' }],
    ['GET', '/v1/chat/completions', { kind: 'not-found', path: '/v1/chat/completions' }],
    ['POST', '/openai/deployments/%E0%A4%A/chat/completions', { kind: 'not-found', path: '/openai/deployments/%E0%A4%A/chat/completions' }],
    ['DELETE', '/v1/models', { kind: 'not-found', path: '/v1/models' }],
  ])('%s %s', (method, url, route) => {
    expect(resolveRoute(method, url)).toEqual(route);
  });
});

describe('azureApiVersion', () => {
  it('reads the api-version query parameter', () => {
    expect(azureApiVersion('/openai/deployments/x/chat/completions?foo=1&api-version=2024-10-21')).toBe('2024-10-21');
    expect(azureApiVersion('/openai/deployments/x/chat/completions?api-version=')).toBeNull();
    expect(azureApiVersion('/openai/deployments/x/chat/completions')).toBeNull();
  });
});

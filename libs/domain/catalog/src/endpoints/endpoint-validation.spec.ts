import fc from 'fast-check';
import type { CatalogError } from '../shared/catalog-errors';
import { validAzureSettings, validAllowedExtraFields, validCreateEndpoint, validCredential, validEndpointName, validUpstreamUrl } from './endpoint-validation';
import type { CreateEndpointCommand } from './endpoint.model';

const reason = (code: string) => expect.objectContaining({ code }) as CatalogError;

const command: CreateEndpointCommand = {
  institutionId: '3f1c2b9a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  name: 'llama-3.1-70b',
  offeringId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  isolationMode: 'shared-pool',
  driver: 'openai-compatible',
  upstreamUrl: 'https://llm.internal.example:8443/',
  upstreamModel: 'llama-3.1-70b-instruct',
};

describe('endpoint validation', () => {
  it('normalises a valid command and applies default limits', () => {
    const values = validCreateEndpoint({ ...command, credential: 'sk-upstream' });
    expect(values).toMatchObject({
      name: 'llama-3.1-70b',
      upstreamUrl: 'https://llm.internal.example:8443',
      azureDeployment: null,
      azureApiVersion: null,
      maxOutputTokens: 4096,
      defaultMaxTokens: 1024,
      credential: 'sk-upstream',
    });
  });

  it('takes allowed extra fields as plain identifiers, at most 32, deduplicated and sorted', () => {
    expect(validAllowedExtraFields(['top_k', 'chat_template_kwargs', 'top_k'])).toEqual(['chat_template_kwargs', 'top_k']);
    expect(validAllowedExtraFields([])).toEqual([]);
    for (const bad of [[''], ['has space'], ['1abc'], ['x'.repeat(65)], ['a.b'], ['__proto__\u0000'], Array.from({ length: 33 }, (_, i) => `f${i}`)]) {
      expect(() => validAllowedExtraFields(bad)).toThrow(reason('INVALID_ALLOWED_FIELD'));
    }
  });

  it('checks names like the database constraint', () => {
    for (const good of ['gpt-4o', 'org/model:v1', 'A.b_c']) expect(validEndpointName(good)).toBe(good);
    for (const bad of ['', '-x', 'has space', 'x'.repeat(129), 'ü-model']) {
      expect(() => validEndpointName(bad)).toThrow(reason('INVALID_ENDPOINT_NAME'));
    }
  });

  it('accepts http(s) base URLs only, without user info, query or fragment', () => {
    expect(validUpstreamUrl('http://127.0.0.1:18090')).toBe('http://127.0.0.1:18090');
    expect(validUpstreamUrl(' https://x.example/base/// ')).toBe('https://x.example/base');
    for (const bad of ['ftp://x.example', 'not a url', 'javascript:alert(1)', 'http://x.example/?a=1', 'http://x.example/#f', 'file:///etc/passwd']) {
      expect(() => validUpstreamUrl(bad)).toThrow(reason('INVALID_UPSTREAM_URL'));
    }
  });

  it('refuses user info in the URL without repeating it', () => {
    try {
      validUpstreamUrl('https://user:sk-secret-in-url@x.example');
      throw new Error('accepted');
    } catch (error) {
      expect((error as CatalogError).code).toBe('INVALID_UPSTREAM_URL');
      expect(JSON.stringify({ message: (error as Error).message, details: (error as CatalogError).details })).not.toContain('sk-secret');
    }
  });

  it('requires deployment and api-version for azure-openai, and only there', () => {
    expect(validAzureSettings('azure-openai', 'gpt-4o', '2024-10-21')).toEqual({ azureDeployment: 'gpt-4o', azureApiVersion: '2024-10-21' });
    expect(() => validAzureSettings('azure-openai', null, '2024-10-21')).toThrow(reason('AZURE_DEPLOYMENT_REQUIRED'));
    expect(() => validAzureSettings('azure-openai', '  ', '2024-10-21')).toThrow(reason('AZURE_DEPLOYMENT_REQUIRED'));
    expect(() => validAzureSettings('azure-openai', 'gpt-4o', undefined)).toThrow(reason('AZURE_API_VERSION_REQUIRED'));
    expect(() => validAzureSettings('openai-compatible', 'gpt-4o', null)).toThrow(reason('AZURE_SETTINGS_NOT_APPLICABLE'));
  });

  it('refuses malformed ids as unknown references', () => {
    expect(() => validCreateEndpoint({ ...command, offeringId: 'nope' })).toThrow(reason('UNKNOWN_OFFERING'));
    expect(() => validCreateEndpoint({ ...command, institutionId: 'nope' })).toThrow(reason('UNKNOWN_INSTITUTION'));
  });

  it('never repeats a refused credential in the error', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 50 }), fc.constantFrom('\n', '\r', '\u0000', ' '), (secret, bad) => {
        const credential = `${secret}${bad}`;
        try {
          validCredential(credential);
        } catch (error) {
          expect((error as CatalogError).code).toBe('INVALID_CREDENTIAL');
          expect((error as Error).message).not.toContain(credential);
          expect((error as CatalogError).details).toBeUndefined();
          return;
        }
        throw new Error('accepted a credential with a control character or trailing space');
      }),
      { numRuns: 100 },
    );
    expect(() => validCredential('')).toThrow(reason('INVALID_CREDENTIAL'));
    expect(validCredential('sk-abc_DEF.123')).toBe('sk-abc_DEF.123');
  });
});

import fc from 'fast-check';
import { canonicalJson, leafHashOfUtf8 } from '@ai-commons/audit-proofs';
import { canonicalLeafDocument, leafDocument, leafOf, type StoredAuditEvent } from '../src/events/audit-event';

const base: StoredAuditEvent = {
  id: '8d0c4f1e-6f1c-4a8e-9d43-5c1f0b3e2a11',
  timestamp: '2025-03-01T09:00:00.123Z',
  cursorTimestamp: '2025-03-01T09:00:00.123456Z',
  institutionId: '0b9f2a44-3a57-4c2f-8c44-7f3a9f0e1d22',
  requestId: 'req-1',
  actor: { subject: 'u-1', roles: ['tenant-admin'], sourceAddress: '127.0.0.1' },
  action: 'institution.update',
  resourceType: 'institution',
  resourceId: 'i-1',
  outcome: 'success',
  details: { after: { nameEn: 'x' } },
  endpoint: null,
  model: null,
  dataClassification: null,
  promptTokens: null,
  completionTokens: null,
  latencyMs: null,
  httpStatus: null,
  policyDecision: null,
  promptHmac: null,
  responseHmac: null,
  leafIndex: null,
};

describe('leaf document', () => {
  it('commits to the leaf index, the timestamp and every field, in RFC 8785 form', () => {
    const { canonical, hash } = leafOf(base, 42);
    expect(canonical).toBe(
      '{"action":"institution.update","actor":{"roles":["tenant-admin"],"sourceAddress":"127.0.0.1","subject":"u-1"},' +
        '"details":{"after":{"nameEn":"x"}},"id":"8d0c4f1e-6f1c-4a8e-9d43-5c1f0b3e2a11","institutionId":"0b9f2a44-3a57-4c2f-8c44-7f3a9f0e1d22",' +
        '"leafIndex":42,"outcome":"success","requestId":"req-1","resource":{"id":"i-1","type":"institution"},' +
        '"timestamp":"2025-03-01T09:00:00.123Z","v":1}',
    );
    expect(hash.equals(leafHashOfUtf8(canonical))).toBe(true);
    expect(leafOf(base, 43).hash.equals(hash)).toBe(false);
  });

  it('adds gateway fields under "request" only when they are set', () => {
    const gateway = { ...base, endpoint: 'llama', model: 'sim-llama', promptTokens: 0, latencyMs: 12, promptHmac: 'ab', responseHmac: 'cd' };
    expect(leafDocument(gateway, 0)).toMatchObject({
      request: { endpoint: 'llama', model: 'sim-llama', promptTokens: 0, latencyMs: 12, promptHmac: 'ab', responseHmac: 'cd' },
    });
    expect(leafDocument(base, 0)).not.toHaveProperty('request');
  });

  it('is a pure function of the stored row: equal rows, equal leaves; any change, another leaf', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.nat(), (details, action, leafIndex) => {
        const event = { ...base, action, details: { value: details } as never };
        const again = JSON.parse(JSON.stringify(event)) as StoredAuditEvent;
        expect(leafOf(again, leafIndex).canonical).toBe(leafOf(event, leafIndex).canonical);
        expect(leafOf({ ...event, outcome: 'failure' }, leafIndex).hash.equals(leafOf(event, leafIndex).hash)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('the direct serializer writes exactly canonicalJson(leafDocument(…)) for any event', () => {
    const text = fc.string({ unit: 'grapheme-composite' });
    const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
    const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<Record<string, never>>;
    fc.assert(
      fc.property(
        fc.record({
          id: text,
          timestamp: text,
          institutionId: nullable(text),
          requestId: nullable(text),
          action: text,
          resourceType: text,
          resourceId: nullable(text),
          outcome: fc.constantFrom('success', 'denied', 'failure'),
          actor: jsonObject,
          details: jsonObject,
          endpoint: nullable(text),
          model: nullable(text),
          dataClassification: nullable(text),
          promptTokens: nullable(fc.nat()),
          completionTokens: nullable(fc.nat()),
          latencyMs: nullable(fc.integer()),
          httpStatus: nullable(fc.nat(599)),
          policyDecision: nullable(text),
          promptHmac: nullable(text),
          responseHmac: nullable(text),
        }),
        fc.nat(),
        (fields, leafIndex) => {
          const event = { ...base, ...fields } as StoredAuditEvent;
          expect(canonicalLeafDocument(event, leafIndex)).toBe(canonicalJson(leafDocument(event, leafIndex)));
        },
      ),
      { numRuns: 500 },
    );
    const escapes = { ...base, action: 'a"b\\c\n', requestId: '\u0001', resourceId: '한글 ✓ 😀' };
    expect(canonicalLeafDocument(escapes, 3)).toBe(canonicalJson(leafDocument(escapes, 3)));
  });

  it('logs details JCS cannot represent (a jsonb number beyond IEEE 754 range) as their JSON text instead of failing', () => {
    const event = { ...base, details: { huge: Number.POSITIVE_INFINITY } as never };
    expect(() => canonicalJson(leafDocument(event, 1))).toThrow();
    const { canonical } = leafOf(event, 1);
    expect(JSON.parse(canonical).details).toEqual({ nonCanonicalJson: '{"huge":null}' });
  });
});

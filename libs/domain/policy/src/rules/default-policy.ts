import { deepFreeze } from '../deep-freeze';
import type { PolicyDocument } from './policy-document';

/**
 * The consortium's baseline, first match wins:
 *  1. personal credit data never goes abroad (신용정보법; 전자금융감독규정 §14-2 keeps personal
 *     credit information on domestic infrastructure);
 *  2. personal credit data only to endpoints inside the separated network (망분리);
 *  3. commercial cloud endpoints only while the financial authority's confirmation is current;
 *  4. anything else is allowed. `defaultEffect: deny` is the fail-safe if rule 4 is ever removed.
 * RRN masking cannot be turned off by an institution: processing resident registration numbers is
 * restricted by law (개인정보 보호법 §24-2), so they never reach a model unmasked.
 */
export const DEFAULT_POLICY: PolicyDocument = deepFreeze({
  schemaVersion: 1,
  policyId: 'ai-commons.data-handling',
  version: 1,
  description: 'Baseline data-handling policy of the AI commons consortium.',
  homeRegion: 'KR',
  rules: [
    {
      id: 'personal-credit-domestic-only',
      effect: 'deny',
      when: { classification: ['personal-credit'], regionScope: ['foreign'] },
      reason: 'personal credit information may not be processed outside the home country (개인신용정보 국외 처리 금지)',
    },
    {
      id: 'personal-credit-internal-zone-only',
      effect: 'deny',
      when: { classification: ['personal-credit'], networkZone: ['internet'] },
      reason: 'personal credit information may only reach endpoints inside the separated network (망분리)',
    },
    {
      id: 'cloud-commercial-requires-current-confirmation',
      effect: 'deny',
      when: { hosting: ['cloud-commercial'], confirmation: ['none', 'expired'] },
      reason: "commercial cloud endpoints require the financial authority's current confirmation",
    },
    {
      id: 'allow-otherwise',
      effect: 'allow',
      when: {},
      reason: 'no data-handling restriction applies',
    },
  ],
  defaultEffect: 'deny',
  pii: {
    defaults: {
      rrn: { mode: 'mask', validateChecksum: true },
      card: { mode: 'mask', requireKnownIin: false },
      bankAccount: { mode: 'mask' },
      phone: { mode: 'mask' },
    },
    minimumModes: { rrn: 'mask', card: 'off', bankAccount: 'off', phone: 'off' },
  },
});

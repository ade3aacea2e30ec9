import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import type { CreateInstitutionCommand, InstitutionService } from './institution.service';

/**
 * The demo consortium: three members with different investment weights (50% / 30% / 20%). Slugs
 * match the institution groups in deploy/keycloak/realms/ai-commons-realm.json.
 */
export const DEMO_INSTITUTIONS: CreateInstitutionCommand[] = [
  {
    slug: 'hanbit-bank',
    nameKo: '한빛은행',
    nameEn: 'Hanbit Bank',
    sector: 'bank',
    investedCapitalKrw: '50000000000',
    dataClassificationCeiling: 'personal-credit',
    contacts: [{ name: 'Kim Ji-woo', email: 'ai-infra@hanbit-bank.example', role: 'AI platform owner' }],
  },
  {
    slug: 'nuri-insurance',
    nameKo: '누리생명보험',
    nameEn: 'Nuri Life Insurance',
    sector: 'insurance',
    investedCapitalKrw: '30000000000',
    dataClassificationCeiling: 'confidential',
    contacts: [{ name: 'Lee Seo-yeon', email: 'it-security@nuri-insurance.example', role: 'CISO office' }],
  },
  {
    slug: 'gaon-securities',
    nameKo: '가온증권',
    nameEn: 'Gaon Securities',
    sector: 'securities',
    investedCapitalKrw: '20000000000',
    dataClassificationCeiling: 'internal',
    contacts: [{ name: 'Park Min-jun', email: 'digital@gaon-securities.example', role: 'Digital transformation' }],
  },
];

/** Creates the demo members that do not exist yet; returns the slugs it created. */
export async function seedDemoConsortium(institutions: InstitutionService): Promise<string[]> {
  return RequestContext.run({ requestId: 'seed', principal: SYSTEM_PRINCIPAL }, async () => {
    const existing = await institutions.list(SYSTEM_PRINCIPAL, {}, 100);
    const slugs = new Set(existing.rows.map((row) => row.slug));
    const created: string[] = [];
    for (const demo of DEMO_INSTITUTIONS) {
      if (slugs.has(demo.slug)) continue;
      await institutions.create(SYSTEM_PRINCIPAL, demo);
      created.push(demo.slug);
    }
    return created;
  });
}

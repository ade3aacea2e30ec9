import { RequestContext, SYSTEM_PRINCIPAL, type Principal } from '@ai-commons/core';
import type { UseCaseService } from '../service/use-case.service';
import type { UseCaseInput } from '../use-case-validation';

interface DemoUseCase {
  institution: string;
  /** Endpoint names (demo catalog) it may call. */
  endpoints: string[];
  declaration: Omit<UseCaseInput, 'endpointIds'>;
  /** How far the demo takes it through the workflow. */
  outcome: 'draft' | 'submitted' | 'approved';
  /** The institution's service account (svc-<slug>) runs under it. */
  bindServiceAccount?: boolean;
  reference?: string;
  conditions?: string;
}

/** A few realistic use cases in several states (the demo consortium's register). */
export const DEMO_USE_CASES: DemoUseCase[] = [
  {
    institution: 'hanbit-bank',
    endpoints: ['llama-3.1-70b', 'exaone-3.5-32b', 'gpt-4o'],
    declaration: {
      name: '여신 심사 보조',
      purpose: '기업·개인 여신 신청서와 재무자료를 요약하고 심사 체크리스트 누락을 알려 심사역의 검토를 돕는다. 승인·거절 결정은 하지 않는다.',
      businessProcess: '여신 심사 보조',
      dataClassificationCeiling: 'personal-credit',
      riskTier: 'high',
      highImpact: true,
      humanOversight: '모든 요약과 경고는 심사역이 원문과 대조해 검토하며, 여신 결정은 심사역과 여신위원회가 내린다. 월 1회 표본 점검.',
      owner: '한빛은행 여신심사부',
      contact: 'credit-ai@hanbit-bank.example',
    },
    outcome: 'approved',
    bindServiceAccount: true,
    reference: '금융위-2026-망분리특례-0142',
    conditions: '개인신용정보는 국내 공동 인프라 전용 엔드포인트에서만 처리; 분기별 결과 점검 보고',
  },
  {
    institution: 'nuri-insurance',
    endpoints: ['llama-3.1-70b'],
    declaration: {
      name: '보험금 청구 서류 분류',
      purpose: '접수된 보험금 청구 서류의 종류를 분류해 담당 부서로 배정한다.',
      businessProcess: '보험금 청구 접수',
      dataClassificationCeiling: 'confidential',
      riskTier: 'medium',
      highImpact: false,
      humanOversight: '분류 결과는 접수 담당자가 확인 후 배정',
      owner: '누리생명 보험금지급팀',
      contact: 'claims-ai@nuri-insurance.example',
    },
    outcome: 'approved',
    bindServiceAccount: true,
    reference: '금융위-2026-망분리특례-0177',
    conditions: '분류 정확도 월간 보고',
  },
  {
    institution: 'nuri-insurance',
    endpoints: ['llama-3.1-70b'],
    declaration: {
      name: '상담 요약',
      purpose: '고객센터 상담 녹취록을 요약해 상담 이력에 남긴다.',
      businessProcess: '상담 요약',
      dataClassificationCeiling: 'confidential',
      riskTier: 'medium',
      highImpact: false,
      humanOversight: '상담원이 요약을 확인·수정한 뒤 저장',
      owner: '누리생명 고객센터',
      contact: 'cs-ai@nuri-insurance.example',
    },
    outcome: 'submitted',
  },
  {
    institution: 'gaon-securities',
    endpoints: ['llama-3.1-70b'],
    declaration: {
      name: '내부 문서 검색 (RAG)',
      purpose: '내부 규정·업무 매뉴얼을 검색해 근거 문서와 함께 답한다 (RAG).',
      businessProcess: '내부 문서 검색 (RAG)',
      dataClassificationCeiling: 'internal',
      riskTier: 'low',
      highImpact: false,
      humanOversight: '답변마다 근거 문서를 표시; 직원이 원문을 확인',
      owner: '가온증권 디지털혁신팀',
      contact: 'rag@gaon-securities.example',
    },
    outcome: 'approved',
    bindServiceAccount: true,
    reference: '금융위-2026-망분리특례-0203',
    conditions: '고객 개인정보를 색인하지 않을 것',
  },
  {
    institution: 'gaon-securities',
    endpoints: ['llama-3.1-70b'],
    declaration: {
      name: '리서치 보고서 초안 작성',
      purpose: '애널리스트의 메모로 리서치 보고서 초안을 작성한다.',
      businessProcess: '리서치 보고서 작성',
      dataClassificationCeiling: 'internal',
      riskTier: 'medium',
      highImpact: false,
      humanOversight: '애널리스트가 모든 문장을 검토·수정',
      owner: '가온증권 리서치센터',
      contact: 'research-ai@gaon-securities.example',
    },
    outcome: 'draft',
  },
];

export interface DemoUseCaseDirectory {
  /** slug → institution id */
  institutions: ReadonlyMap<string, string>;
  /** The institution's endpoint ids by name. */
  endpointsOf(institutionId: string): Promise<ReadonlyMap<string, string>>;
}

const DEMO_REGULATOR: Principal = {
  subject: 'demo-seed-regulator',
  username: 'demo-seed-regulator',
  roles: ['regulator'],
  authMethod: 'system',
  clientId: 'ai-commons-demo-seed',
};

/**
 * Seeds the demo register once (an institution that already has use cases is left alone): the
 * demo institutions' use cases in several states, their service accounts bound to approved ones,
 * and the demo consortium in `report-only` (it predates the register, like existing members on
 * migration) so ad-hoc demo keys keep working; switch an institution to `enforce` to see refusals.
 */
export async function seedDemoUseCases(service: UseCaseService, directory: DemoUseCaseDirectory): Promise<string[]> {
  const created: string[] = [];
  const validUntil = new Date(Date.now() + 365 * 86_400_000);
  for (const [slug, tenantId] of directory.institutions) {
    const demos = DEMO_USE_CASES.filter((demo) => demo.institution === slug);
    if (demos.length === 0) continue;
    const admin: Principal = {
      subject: `demo-seed-${slug}`,
      username: `demo-seed-${slug}`,
      roles: ['tenant-admin'],
      authMethod: 'system',
      clientId: 'ai-commons-demo-seed',
      institutionSlug: slug,
      institutionId: tenantId,
    };
    const asAdmin = <T>(work: () => Promise<T>) =>
      RequestContext.run({ requestId: 'seed-use-cases', principal: admin, tenantScope: { kind: 'tenant', tenantId } }, work);
    const existing = await asAdmin(() => service.list(admin, { institutionId: tenantId }, 1));
    if (existing.rows.length > 0) continue;
    await RequestContext.run({ requestId: 'seed-use-cases', principal: SYSTEM_PRINCIPAL }, () =>
      service.setEnforcement(SYSTEM_PRINCIPAL, tenantId, 'report-only'),
    );
    const endpoints = await directory.endpointsOf(tenantId);
    for (const demo of demos) {
      const endpointIds = demo.endpoints.map((name) => endpoints.get(name)).filter((id): id is string => id !== undefined);
      if (endpointIds.length === 0) continue;
      const useCase = await asAdmin(() => service.create(admin, { ...demo.declaration, endpointIds }));
      if (demo.outcome !== 'draft') await asAdmin(() => service.submit(admin, useCase.id, 'demo submission'));
      if (demo.outcome === 'approved') {
        await RequestContext.run({ requestId: 'seed-use-cases', principal: DEMO_REGULATOR }, () =>
          service.approve(DEMO_REGULATOR, useCase.id, { reference: demo.reference!, conditions: demo.conditions, validUntil }, 'demo designation'),
        );
      }
      if (demo.bindServiceAccount) await asAdmin(() => service.bindServiceAccount(admin, `svc-${slug}`, useCase.id));
      created.push(`${slug}/${demo.declaration.name}`);
    }
  }
  return created;
}

import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { IsolationCheckResultType } from './isolation.resolver';
import { InstitutionEvidenceService, evidenceDocument } from './institution-evidence.service';

@ObjectType('InstitutionIsolationEvidence')
export class InstitutionIsolationEvidenceType {
  @Field() institutionId!: string;
  @Field() institutionSlug!: string;
  @Field() runId!: string;
  @Field({ description: 'The whole report’s status: passed | failed | warning' }) status!: string;
  @Field() startedAt!: string;
  @Field() finishedAt!: string;
  @Field({ description: 'SHA-256 of the whole signed report (canonical JSON)' }) reportSha256!: string;
  @Field() signingKeyId!: string;
  @Field({ description: 'Base64 Ed25519 signature of the whole report' }) signature!: string;
  @Field(() => [IsolationCheckResultType], { description: 'The checks that concern this institution; other institutions redacted' })
  checks!: IsolationCheckResultType[];
  @Field({ description: 'The extract as a JSON document to hand to the supervisor' }) documentJson!: string;
}

@Resolver()
export class InstitutionEvidenceResolver {
  constructor(private readonly evidence: InstitutionEvidenceService) {}

  @Roles('tenant-admin', 'tenant-member')
  @Query(() => InstitutionIsolationEvidenceType, {
    nullable: true,
    description: 'The caller’s institution’s own isolation evidence: the latest signed report’s checks that concern it (null before any report names it)',
  })
  async myIsolationEvidence(@CurrentPrincipal() principal: Principal): Promise<InstitutionIsolationEvidenceType | null> {
    const evidence = await this.evidence.latest(principal);
    if (!evidence) return null;
    return {
      ...evidence,
      institutionId: evidence.institution.id,
      institutionSlug: evidence.institution.slug,
      checks: evidence.checks.map((check) => ({ ...check, evidenceJson: JSON.stringify(check.evidence) })),
      documentJson: JSON.stringify(evidenceDocument(evidence), null, 2),
    };
  }
}

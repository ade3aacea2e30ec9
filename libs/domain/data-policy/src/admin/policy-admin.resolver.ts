import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { AcceptsTextUpTo, parseJsonText } from '@ai-commons/graphql';
import { DataPolicyError } from '../data-policy-errors';
import { PolicyAdminService, type PolicyVersionRecord } from './policy-admin.service';

@ObjectType('DataPolicyVersion')
export class DataPolicyVersionType {
  @Field() policyId!: string;
  @Field(() => Int) version!: number;
  @Field({ description: 'The policy document, JSON' }) documentJson!: string;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field() publishedBy!: string;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  @Field({ description: 'False for the built-in default (in force while nothing is published)' }) published!: boolean;
}

@ObjectType('InstitutionPiiSettings')
export class InstitutionPiiSettingsType {
  @Field(() => ID) institutionId!: string;
  @Field() settingsJson!: string;
  @Field(() => Int) revision!: number;
}

const JSON_ERROR_CODE = { document: 'POLICY_INVALID', sample: 'INVALID_SAMPLE', settings: 'PII_SETTINGS_INVALID' } as const;

/** JSON arguments: valid JSON, bounded nesting, no text PostgreSQL cannot store (see parseJsonText). */
function parseJson(text: string, what: keyof typeof JSON_ERROR_CODE): unknown {
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed.value;
  throw new DataPolicyError(JSON_ERROR_CODE[what], `${what} is not acceptable JSON (${parsed.problem})`, { problem: parsed.problem });
}

/** Policy documents and samples are larger than the default text bound of an argument. */
const MAX_DOCUMENT_LENGTH = 128 * 1024;

const toType = (record: PolicyVersionRecord): DataPolicyVersionType => ({ ...record, documentJson: JSON.stringify(record.document) });

@Resolver()
export class PolicyAdminResolver {
  constructor(private readonly policies: PolicyAdminService) {}

  @Roles('platform-admin', 'regulator', 'tenant-admin')
  @Query(() => DataPolicyVersionType, { description: 'The data-handling policy in force at the gateway' })
  async dataPolicy(@CurrentPrincipal() principal: Principal) {
    return toType(await this.policies.current(principal));
  }

  @Roles('platform-admin', 'regulator')
  @Query(() => [DataPolicyVersionType], { description: 'Every version, newest first' })
  async dataPolicyVersions(@CurrentPrincipal() principal: Principal) {
    return (await this.policies.versions(principal)).map(toType);
  }

  @Roles('platform-admin')
  @AcceptsTextUpTo(MAX_DOCUMENT_LENGTH)
  @Mutation(() => DataPolicyVersionType, { description: 'Publishes the next version (same policyId, version + 1); gateways apply it within moments' })
  async publishDataPolicy(
    @CurrentPrincipal() principal: Principal,
    @Args('documentJson') documentJson: string,
    @Args('note', { nullable: true }) note?: string,
  ) {
    return toType(await this.policies.publish(principal, parseJson(documentJson, 'document'), note));
  }

  @Roles('platform-admin', 'regulator')
  @AcceptsTextUpTo(MAX_DOCUMENT_LENGTH)
  @Query(() => String, {
    description: 'Preview (JSON): the decision, derived facts, rule trace and PII scan for a sample request, under a draft or the current policy',
  })
  async previewDataPolicy(
    @CurrentPrincipal() principal: Principal,
    @Args('sampleRequestJson') sampleRequestJson: string,
    @Args('samplePrompt', { defaultValue: '' }) samplePrompt: string,
    @Args('documentJson', { nullable: true }) documentJson?: string,
  ) {
    const preview = await this.policies.preview(
      principal,
      documentJson === undefined ? undefined : parseJson(documentJson, 'document'),
      parseJson(sampleRequestJson, 'sample'),
      samplePrompt,
    );
    return JSON.stringify(preview);
  }

  @Roles('platform-admin', 'regulator', 'tenant-admin')
  @Query(() => InstitutionPiiSettingsType, {
    description: "An institution's PII detector modes ({} and revision 0 before any are set); tenant admins their own, others name the institution",
  })
  async institutionPiiSettings(@CurrentPrincipal() principal: Principal, @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string) {
    const settings = await this.policies.piiSettings(principal, institutionId);
    return { ...settings, settingsJson: JSON.stringify(settings.settings) };
  }

  @Roles('platform-admin', 'tenant-admin')
  @Mutation(() => InstitutionPiiSettingsType, { description: "An institution's PII detector modes (tenant admins: their own)" })
  async setInstitutionPiiSettings(
    @CurrentPrincipal() principal: Principal,
    @Args('settingsJson') settingsJson: string,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
  ) {
    const saved = await this.policies.setPiiSettings(principal, institutionId, parseJson(settingsJson, 'settings'));
    return { ...saved, settingsJson: JSON.stringify(saved.settings) };
  }
}

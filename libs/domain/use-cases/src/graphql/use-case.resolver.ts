import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { NAME_CURSOR, NAME_ID_CURSOR, PageArgs, TIME_ID_CURSOR, pageRequest, toConnection } from '@ai-commons/graphql';
import type { EnforcementMode, RiskTier, UseCaseState } from '../use-case.model';
import type { UseCaseHistoryRecord, UseCaseRecord, UseCaseVersionRecord } from '../service/use-case-records';
import type { ServiceAccountBinding, UseCaseAuditEvent } from '../service/use-case.service';
import { RegisterExportService } from '../service/register-export.service';
import { UseCaseService } from '../service/use-case.service';
import {
  EnforcementModeEnum,
  RiskTierEnum,
  ServiceAccountBindingConnection,
  ServiceAccountBindingType,
  SignedUseCaseRegisterType,
  UseCaseApprovalInput,
  UseCaseAuditEventConnection,
  UseCaseConnection,
  UseCaseDeclarationInput,
  UseCaseHistoryConnection,
  UseCaseStateEnum,
  UseCaseType,
  UseCaseUsageReportRowType,
  UseCaseUsageType,
  UseCaseVersionConnection,
} from './use-case.types';

const READERS = ['tenant-admin', 'tenant-member', 'platform-admin', 'regulator'] as const;
/** Platform admins reach review mutations only to be told why not (separation of duties). */
const REVIEWERS = ['regulator', 'platform-admin'] as const;
const OVERSIGHT = ['platform-admin', 'regulator'] as const;

@Resolver(() => UseCaseType)
export class UseCaseResolver {
  constructor(
    private readonly service: UseCaseService,
    private readonly register: RegisterExportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles(...READERS)
  @Query(() => UseCaseConnection, { description: "The AI use-case register: members see their institution's, platform admins and regulators all" })
  async useCases(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
    @Args('state', { type: () => UseCaseStateEnum, nullable: true }) state?: UseCaseStateEnum,
    @Args('riskTier', { type: () => RiskTierEnum, nullable: true }) riskTier?: RiskTierEnum,
    @Args('highImpact', { type: () => Boolean, nullable: true }) highImpact?: boolean,
    @Args('expiringWithinDays', { type: () => Int, nullable: true, description: 'Approvals ending within N days' }) expiringWithinDays?: number,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const filter = { institutionId, state: state as UseCaseState | undefined, riskTier: riskTier as RiskTier | undefined, highImpact, expiringWithinDays };
    const result = await this.service.list(principal, filter, request.size, request.after);
    return toConnection(result.rows, result.size, cursorOf);
  }

  @Roles(...OVERSIGHT)
  @Query(() => UseCaseConnection, { description: "Use cases with a version waiting for the regulator's decision" })
  async useCaseReviewQueue(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.service.list(principal, { awaitingReview: true }, request.size, request.after);
    return toConnection(result.rows, result.size, cursorOf);
  }

  @Roles(...OVERSIGHT)
  @Query(() => UseCaseConnection, { description: 'Approvals ending within the next `days` days (default 30): the expiry alert' })
  async expiringUseCaseApprovals(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('days', { type: () => Int, nullable: true }) days?: number,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.service.list(principal, { expiringWithinDays: days ?? 30 }, request.size, request.after);
    return toConnection(result.rows, result.size, cursorOf);
  }

  @Roles(...READERS)
  @Query(() => UseCaseType)
  useCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(principal, id);
  }

  @ResolveField(() => UseCaseVersionConnection, { description: 'Newest first' })
  async versions(@CurrentPrincipal() principal: Principal, @Parent() useCase: UseCaseRecord, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, NAME_CURSOR);
    const result = await this.service.versions(principal, useCase.id, request.size, request.after);
    return toConnection(result.rows, result.size, (row: UseCaseVersionRecord) => [String(row.version)]);
  }

  @ResolveField(() => UseCaseHistoryConnection, { description: 'Every transition with actor, role, time and comment, oldest first' })
  async history(@CurrentPrincipal() principal: Principal, @Parent() useCase: UseCaseRecord, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.service.history(principal, useCase.id, request.size, request.after);
    return toConnection(result.rows, result.size, (row: UseCaseHistoryRecord) => [row.occurredAt.toISOString(), row.id]);
  }

  @ResolveField(() => UseCaseUsageType, { description: 'Requests, tokens, refusals by reason and last use (last 30 days)' })
  usage(@CurrentPrincipal() principal: Principal, @Parent() useCase: UseCaseRecord) {
    return this.service.usage(principal, useCase.id);
  }

  @ResolveField(() => UseCaseAuditEventConnection, { description: 'Its transitions and its gateway requests (last 30 days), newest first' })
  async auditEvents(@CurrentPrincipal() principal: Principal, @Parent() useCase: UseCaseRecord, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.service.auditEvents(principal, useCase.id, request.size, request.after);
    return toConnection(result.rows, result.size, (row: UseCaseAuditEvent) => [row.occurredAt.toISOString(), row.id]);
  }

  @Roles(...READERS)
  @Query(() => [UseCaseUsageReportRowType], { description: 'Gateway usage by institution, use case and day (KST); members see their own' })
  useCaseUsageReport(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
  ) {
    return this.service.usageReport(principal, from, to, institutionId);
  }

  @Roles(...READERS)
  @Query(() => EnforcementModeEnum, { description: "An institution's use-case enforcement mode" })
  useCaseEnforcement(@CurrentPrincipal() principal: Principal, @Args('institutionId', { type: () => ID }) institutionId: string) {
    return this.service.enforcement(principal, institutionId);
  }

  @Roles(...READERS)
  @Query(() => SignedUseCaseRegisterType, {
    description: 'The register as a signed JSON document (Ed25519 over RFC 8785 canonical JSON, like isolation reports)',
  })
  async useCaseRegisterExport(@CurrentPrincipal() principal: Principal, @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string) {
    const { document, signature } = await this.register.export(principal, institutionId);
    return {
      documentJson: JSON.stringify(document),
      algorithm: signature.algorithm,
      keyId: signature.keyId,
      sha256: signature.sha256,
      signature: signature.value,
      publicKeyPem: signature.publicKeyPem,
    };
  }

  @Roles('tenant-admin')
  @Mutation(() => UseCaseType, { description: "Declares a use case of the caller's institution (a draft)" })
  createUseCase(@CurrentPrincipal() principal: Principal, @Args('input') input: UseCaseDeclarationInput) {
    return this.service.create(principal, input);
  }

  @Roles('tenant-admin')
  @Mutation(() => UseCaseType, { description: 'Edits a draft; a material change of an approved use case opens a new version for review' })
  updateUseCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UseCaseDeclarationInput) {
    return this.service.update(principal, id, input);
  }

  @Roles('tenant-admin')
  @Mutation(() => UseCaseType)
  submitUseCase(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('comment', { nullable: true, type: () => String }) comment?: string,
  ) {
    return this.service.submit(principal, id, comment);
  }

  @Roles('tenant-admin')
  @Mutation(() => UseCaseType)
  withdrawUseCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('comment') comment: string) {
    return this.service.withdraw(principal, id, comment);
  }

  @Roles(...REVIEWERS)
  @Mutation(() => UseCaseType, { description: "Regulators only: approves the submitted version with the designation's reference, conditions and validity" })
  approveUseCase(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('approval') approval: UseCaseApprovalInput,
    @Args('comment', { nullable: true, type: () => String }) comment?: string,
  ) {
    return this.service.approve(principal, id, approval, comment);
  }

  @Roles(...REVIEWERS)
  @Mutation(() => UseCaseType)
  requestUseCaseChanges(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('comment') comment: string) {
    return this.service.requestChanges(principal, id, comment);
  }

  @Roles(...REVIEWERS)
  @Mutation(() => UseCaseType)
  rejectUseCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('comment') comment: string) {
    return this.service.reject(principal, id, comment);
  }

  @Roles(...REVIEWERS)
  @Mutation(() => UseCaseType)
  suspendUseCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('comment') comment: string) {
    return this.service.suspend(principal, id, comment);
  }

  @Roles(...REVIEWERS)
  @Mutation(() => UseCaseType)
  reinstateUseCase(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('comment') comment: string) {
    return this.service.reinstate(principal, id, comment);
  }

  @Roles('platform-admin')
  @Mutation(() => EnforcementModeEnum)
  setUseCaseEnforcement(
    @CurrentPrincipal() principal: Principal,
    @Args('institutionId', { type: () => ID }) institutionId: string,
    @Args('mode', { type: () => EnforcementModeEnum }) mode: EnforcementModeEnum,
  ) {
    return this.service.setEnforcement(principal, institutionId, mode as EnforcementMode);
  }

  @Roles('tenant-admin', 'platform-admin', 'regulator')
  @Query(() => ServiceAccountBindingConnection, { description: 'Which use case each service account (Keycloak client) runs under' })
  async serviceAccountUseCaseBindings(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, NAME_ID_CURSOR);
    const result = await this.service.serviceAccountBindings(principal, request.size, request.after);
    return toConnection(result.rows, result.size, (row: ServiceAccountBinding) => [row.clientId, row.institutionId]);
  }

  @Roles('tenant-admin')
  @Mutation(() => Boolean, { description: "Removes a service account's use-case binding (false: it had none)" })
  unbindServiceAccountFromUseCase(@CurrentPrincipal() principal: Principal, @Args('clientId') clientId: string) {
    return this.service.unbindServiceAccount(principal, clientId);
  }

  @Roles('tenant-admin')
  @Mutation(() => ServiceAccountBindingType, { description: "Binds one of the institution's service accounts (Keycloak client id) to a use case" })
  bindServiceAccountToUseCase(
    @CurrentPrincipal() principal: Principal,
    @Args('clientId') clientId: string,
    @Args('useCaseId', { type: () => ID }) useCaseId: string,
  ) {
    return this.service.bindServiceAccount(principal, clientId, useCaseId);
  }
}

function cursorOf(row: UseCaseRecord): unknown[] {
  return [row.createdAt.toISOString(), row.id];
}

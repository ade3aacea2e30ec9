import { Inject } from '@nestjs/common';
import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { Connection, PageArgs, pageRequest, TIME_ID_CURSOR, toConnection } from '@ai-commons/graphql';
import { IsolationAlertService } from './verification/isolation-alert.service';
import { VerificationReadService } from './verification/verification-read.service';
import type { AlertRecord, VerificationRunView } from './verification/verification-records';
import { VerificationRunner } from './verification/verification-runner';

@ObjectType('IsolationRunSummary')
export class IsolationRunSummaryType {
  @Field(() => Int) pass!: number;
  @Field(() => Int) fail!: number;
  @Field(() => Int) warning!: number;
  @Field(() => Int) durationMs!: number;
}

@ObjectType('IsolationCheckResult')
export class IsolationCheckResultType {
  @Field() id!: string;
  @Field() title!: string;
  @Field({ description: 'other-members | operator-access | data-localisation | network-separation | tamper-evidence' }) concern!: string;
  @Field({ description: 'pass | fail | warning' }) status!: string;
  @Field() summary!: string;
  @Field({ description: 'Machine-readable evidence, JSON' }) evidenceJson!: string;
  @Field(() => Int) durationMs!: number;
}

@ObjectType('IsolationRun')
export class IsolationRunType {
  @Field(() => ID) id!: string;
  @Field({ description: 'on-demand | schedule' }) trigger!: string;
  @Field() requestedBy!: string;
  @Field({ description: 'running | passed | failed | warning | error' }) status!: string;
  @Field(() => Date) startedAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => IsolationRunSummaryType, { nullable: true }) summary!: IsolationRunSummaryType | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why the run ended in error (status error), e.g. interrupted because the control plane executing it stopped; null otherwise',
  })
  error!: string | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the signed report (canonical JSON)' }) reportSha256!: string | null;
  @Field(() => String, { nullable: true }) signingKeyId!: string | null;
  @Field(() => [IsolationCheckResultType]) checks!: IsolationCheckResultType[];
}

@ObjectType('IsolationAlert')
export class IsolationAlertType {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field() checkId!: string;
  @Field() concern!: string;
  @Field() summary!: string;
  @Field(() => Date) raisedAt!: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
}

const IsolationRunConnection = Connection(IsolationRunType, 'IsolationRun');
const IsolationAlertConnection = Connection(IsolationAlertType, 'IsolationAlert');

const READERS = ['platform-admin', 'regulator'] as const;

@Resolver(() => IsolationRunType)
export class IsolationResolver {
  constructor(
    private readonly runner: VerificationRunner,
    private readonly reads: VerificationReadService,
    private readonly alerts: IsolationAlertService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles(...READERS)
  @Mutation(() => IsolationRunType, { description: 'Runs every data-isolation check now and returns the signed report’s run (platform admins, regulators)' })
  startIsolationVerification(@CurrentPrincipal() principal: Principal) {
    return this.runner.run(principal, 'on-demand');
  }

  @Roles(...READERS)
  @Query(() => IsolationRunConnection, { description: 'Verification runs, newest first' })
  async isolationRuns(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const rows = await this.reads.list(principal, request.size, request.after);
    return toConnection(rows, request.size, (run: VerificationRunView) => [run.startedAt.toISOString(), run.id]);
  }

  @Roles(...READERS)
  @Query(() => IsolationRunType)
  isolationRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.reads.getRun(principal, id);
  }

  @Roles(...READERS)
  @Query(() => String, { description: 'The signed report as JSON text: { report, signature } (also GET /isolation/reports/{id}.json)' })
  isolationReportJson(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.reads.signedReportJson(principal, id);
  }

  @Roles(...READERS)
  @Query(() => IsolationAlertConnection, { description: 'Alerts raised by failed checks, newest first' })
  async isolationAlerts(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('open', { type: () => Boolean, nullable: true }) open?: boolean,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const rows = await this.alerts.list(principal, open, request.size, request.after);
    return toConnection(rows, request.size, (alert: AlertRecord) => [alert.raisedAt.toISOString(), alert.id]);
  }

  @Roles('platform-admin')
  @Mutation(() => IsolationAlertType)
  acknowledgeIsolationAlert(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.alerts.acknowledge(principal, id);
  }
}

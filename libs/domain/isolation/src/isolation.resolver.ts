import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { VerificationService } from './verification.service';

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

const READERS = ['platform-admin', 'regulator'] as const;

@Resolver(() => IsolationRunType)
export class IsolationResolver {
  constructor(private readonly verification: VerificationService) {}

  private async withChecks(principal: Principal, run: Awaited<ReturnType<VerificationService['getRun']>>): Promise<IsolationRunType> {
    const checks = await this.verification.checkResults(principal, run.id);
    return { ...run, summary: run.summary && 'pass' in run.summary ? run.summary : null, checks: checks.map((check) => ({ ...check, evidenceJson: JSON.stringify(check['evidence']) })) as IsolationCheckResultType[] };
  }

  @Roles(...READERS)
  @Mutation(() => IsolationRunType, { description: 'Runs every data-isolation check now and returns the signed report’s run (platform admins, regulators)' })
  async startIsolationVerification(@CurrentPrincipal() principal: Principal) {
    return this.withChecks(principal, await this.verification.run(principal, 'on-demand'));
  }

  @Roles(...READERS)
  @Query(() => [IsolationRunType], { description: 'Verification runs, newest first' })
  async isolationRuns(@CurrentPrincipal() principal: Principal, @Args('first', { type: () => Int, nullable: true }) first?: number) {
    const { rows } = await this.verification.list(principal, Math.min(Math.max(first ?? 20, 1), 100));
    return Promise.all(rows.slice(0, first ?? 20).map((run) => this.withChecks(principal, run)));
  }

  @Roles(...READERS)
  @Query(() => IsolationRunType)
  async isolationRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.withChecks(principal, await this.verification.getRun(principal, id));
  }

  @Roles(...READERS)
  @Query(() => String, { description: 'The signed report as JSON text: { report, signature } (also GET /isolation/reports/{id}.json)' })
  async isolationReportJson(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return JSON.stringify(await this.verification.signedReport(principal, id), null, 2);
  }

  @Roles(...READERS)
  @Query(() => [IsolationAlertType], { description: 'Alerts raised by failed checks, newest first' })
  isolationAlerts(@CurrentPrincipal() principal: Principal, @Args('open', { type: () => Boolean, nullable: true }) open?: boolean) {
    return this.verification.alerts(principal, open, 100);
  }

  @Roles('platform-admin')
  @Mutation(() => IsolationAlertType)
  acknowledgeIsolationAlert(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.verification.acknowledgeAlert(principal, id);
  }
}

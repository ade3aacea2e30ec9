import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DataSource } from 'typeorm';
import { ConfigModule, type AppConfig } from '@ai-commons/config';
import { DatabaseModule } from '@ai-commons/database';
import { AuthModule, type AuthorizationRefusalListener, type TokenVerifier } from '@ai-commons/auth';
import { AuditModule } from '@ai-commons/audit';
import { TenancyModule } from '@ai-commons/tenancy';
import { CatalogModule } from '@ai-commons/catalog';
import { QuotaModule } from '@ai-commons/quota';
import { IsolationModule } from '@ai-commons/isolation';
import { DataPolicyModule } from '@ai-commons/data-policy';
import { UseCasesModule } from '@ai-commons/use-cases';
import { nestLoggerModule, type JsonLogger, type Tracing } from '@ai-commons/observability';
import {
  ArgumentValidationInterceptor,
  DateTimeScalar,
  formatGraphQLError,
  hideSuggestionsFromAnonymousPlugin,
  ResolverTracingInterceptor,
  validateNestedArgumentsAtTheEdge,
} from '@ai-commons/graphql';
import { HealthController } from './health.controller';

export interface ControlPlaneDependencies {
  config: AppConfig;
  dataSource: DataSource;
  verifier: TokenVerifier;
  logger: JsonLogger;
  /** Hears of every role refusal (the audit log records them). */
  onAuthorizationRefused?: AuthorizationRefusalListener;
  /** OpenTelemetry traces, if on: a span per resolver call. */
  tracing?: Tracing;
}

@Module({})
export class ControlPlaneModule {
  static forRoot({ config, dataSource, verifier, logger, onAuthorizationRefused, tracing }: ControlPlaneDependencies): DynamicModule {
    return {
      module: ControlPlaneModule,
      imports: [
        ConfigModule.forRoot(config),
        nestLoggerModule(logger),
        DatabaseModule.forRoot(dataSource),
        AuthModule.forRoot(verifier, onAuthorizationRefused),
        AuditModule,
        TenancyModule,
        CatalogModule,
        QuotaModule,
        IsolationModule,
        DataPolicyModule,
        UseCasesModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          // Input rules (ids, text, dates, numbers, lists) for every argument, before any service:
          // the strict DateTime scalar, ArgumentValidationInterceptor (root fields, after the auth
          // guard) and this transform (nested fields, which have no guard).
          buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
          transformSchema: validateNestedArgumentsAtTheEdge,
          introspection: config.GRAPHQL_INTROSPECTION,
          playground: false,
          graphiql: false,
          allowBatchedHttpRequests: true,
          context: ({ req, res }: { req: unknown; res: unknown }) => ({ req, res }),
          // Depth, aliases, cost, batch and document size are checked before Apollo (graphqlRequestLimits);
          // the parser's own token limit is a second line should a document reach Apollo another way.
          parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS },
          // A persisted-query hash would run a stored document with new variables, past those checks.
          persistedQueries: false,
          plugins: [hideSuggestionsFromAnonymousPlugin()],
          formatError: (formatted, error) => formatGraphQLError(formatted, error, (unexpected) => logger.error(unexpected as Error, 'GraphQL')),
        }),
      ],
      controllers: [HealthController],
      providers: [
        // First, so that a call refused by argument validation is in its resolver span too.
        ...(tracing ? [{ provide: APP_INTERCEPTOR, useValue: new ResolverTracingInterceptor(tracing) }] : []),
        { provide: APP_INTERCEPTOR, useClass: ArgumentValidationInterceptor },
      ],
    };
  }
}

import { configSchema, type AppConfig } from './config.schema';
import { productionSecretProblems, serviceAccountSecretsFromEnv } from './profile-secrets';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates `env` against the schema; throws one readable error listing every problem. Outside the
 * demo profile (production is the default) a missing secret or a demo value is one of them, checked
 * here rather than as a schema refinement so that it is listed even when other settings are wrong.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const settings = { ...cleaned, SERVICE_ACCOUNT_SECRETS: serviceAccountSecretsFromEnv(cleaned) };
  const result = configSchema.safeParse(settings);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  if (cleaned.AI_COMMONS_PROFILE !== 'demo') {
    problems.push(...productionSecretProblems(settings).map((problem) => `${problem.path}: ${problem.message}`));
  }
  if (!result.success || problems.length) throw new ConfigValidationError(problems);
  return result.data;
}

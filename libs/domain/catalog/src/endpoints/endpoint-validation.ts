import { isUuid } from '@ai-commons/core';
import { CatalogError } from '../shared/catalog-errors';
import { validLimits } from './endpoint-limits';
import { DEFAULT_ENDPOINT_LIMITS, type CreateEndpointCommand, type UpstreamDriver } from './endpoint.model';

// Mirrors the endpoints_name_format constraint: what callers send as `model`.
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validEndpointName(name: string): string {
  if (!ENDPOINT_NAME.test(name)) {
    throw new CatalogError('INVALID_ENDPOINT_NAME', 'name must be 1-128 characters: letters, digits and . _ : / -, starting with a letter or digit', { name });
  }
  return name;
}

/**
 * The upstream's base URL (without `/v1`): http or https, a host, no user info (credentials go in
 * the write-only credential), no query or fragment. Trailing slashes are dropped.
 */
export function validUpstreamUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalidUrl('upstreamUrl is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidUrl('upstreamUrl must use http or https');
  if (!url.hostname) throw invalidUrl('upstreamUrl must name a host');
  // Never echo a URL carrying user info: it may be a secret.
  if (url.username || url.password) throw invalidUrl('upstreamUrl may not contain user info; use the credential instead', false);
  if (url.search || url.hash) throw invalidUrl('upstreamUrl may not have a query or fragment');
  const normalised = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (normalised.length > 2048) throw invalidUrl('upstreamUrl may be at most 2048 characters');
  return normalised;

  function invalidUrl(message: string, echo = true): CatalogError {
    return new CatalogError('INVALID_UPSTREAM_URL', message, echo ? { upstreamUrl: value } : undefined);
  }
}

export function validUpstreamModel(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 200 || CONTROL.test(trimmed)) {
    throw new CatalogError('INVALID_UPSTREAM_MODEL', 'upstreamModel must be 1-200 characters without control characters');
  }
  return trimmed;
}

/** Azure OpenAI addresses a deployment with an api-version; other drivers take neither. */
export function validAzureSettings(
  driver: UpstreamDriver,
  deployment: string | null | undefined,
  apiVersion: string | null | undefined,
): { azureDeployment: string | null; azureApiVersion: string | null } {
  const d = deployment?.trim() || null;
  const v = apiVersion?.trim() || null;
  if (driver !== 'azure-openai') {
    if (d !== null || v !== null) {
      throw new CatalogError('AZURE_SETTINGS_NOT_APPLICABLE', `azureDeployment and azureApiVersion apply only to the azure-openai driver`, {
        driver,
      });
    }
    return { azureDeployment: null, azureApiVersion: null };
  }
  if (d === null) throw new CatalogError('AZURE_DEPLOYMENT_REQUIRED', 'The azure-openai driver needs azureDeployment');
  if (v === null) throw new CatalogError('AZURE_API_VERSION_REQUIRED', 'The azure-openai driver needs azureApiVersion');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(d)) {
    throw new CatalogError('AZURE_DEPLOYMENT_REQUIRED', 'azureDeployment must be 1-64 letters, digits, . _ -', { azureDeployment: d });
  }
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(v)) {
    throw new CatalogError('AZURE_API_VERSION_REQUIRED', 'azureApiVersion must look like 2024-10-21 or 2024-10-01-preview', {
      azureApiVersion: v,
    });
  }
  return { azureDeployment: d, azureApiVersion: v };
}

/**
 * An upstream credential (API key): 1-8192 characters without control characters (it travels in
 * an HTTP header). The message never repeats it.
 */
export function validCredential(credential: string): string {
  if (credential.length === 0 || credential.length > 8192 || CONTROL.test(credential) || credential.trim() !== credential) {
    throw new CatalogError('INVALID_CREDENTIAL', 'credential must be 1-8192 characters without control characters or surrounding whitespace');
  }
  return credential;
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_ALLOWED_EXTRA_FIELDS = 32;

/** Top-level request field names (deduplicated, sorted): at most 32, each a plain identifier. */
export function validAllowedExtraFields(fields: readonly string[]): string[] {
  if (fields.length > MAX_ALLOWED_EXTRA_FIELDS) {
    throw new CatalogError('INVALID_ALLOWED_FIELD', `At most ${MAX_ALLOWED_EXTRA_FIELDS} extra fields`, { count: fields.length });
  }
  for (const field of fields) {
    if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
      throw new CatalogError('INVALID_ALLOWED_FIELD', 'Each field must be 1-64 letters, digits or _, not starting with a digit', {
        field: typeof field === 'string' ? field.slice(0, 80) : null,
      });
    }
  }
  return [...new Set(fields)].sort();
}

/** The column values of a new endpoint (credential aside), or the first problem with the command. */
export function validCreateEndpoint(command: CreateEndpointCommand) {
  if (!isUuid(command.institutionId)) {
    throw new CatalogError('UNKNOWN_INSTITUTION', `No institution with id ${command.institutionId}`, {
      institutionId: command.institutionId,
    });
  }
  if (!isUuid(command.offeringId)) {
    throw new CatalogError('UNKNOWN_OFFERING', `No model offering with id ${command.offeringId}`, { offeringId: command.offeringId });
  }
  const limits = validLimits(DEFAULT_ENDPOINT_LIMITS, command.limits ?? {});
  return {
    tenantId: command.institutionId,
    name: validEndpointName(command.name),
    offeringId: command.offeringId,
    isolationMode: command.isolationMode,
    driver: command.driver,
    upstreamUrl: validUpstreamUrl(command.upstreamUrl),
    upstreamModel: validUpstreamModel(command.upstreamModel),
    ...validAzureSettings(command.driver, command.azureDeployment, command.azureApiVersion),
    ...limits,
    credential: command.credential === undefined || command.credential === null ? null : validCredential(command.credential),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { INSTITUTION_DIRECTORY, TENANT_ROLES, type InstitutionDirectory, type Principal, type TenantScope } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import { principalFromClaims } from './principal-from-claims';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

export type AuthenticationResult =
  { status: 'anonymous' } | { status: 'authenticated'; principal: Principal; tenantScope?: TenantScope } | { status: 'failed'; error: AuthError };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Turns an Authorization header into a principal and its default tenant scope. Never throws:
 * failures are returned so that public routes still work and the guard decides what to reject.
 */
@Injectable()
export class Authenticator {
  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(INSTITUTION_DIRECTORY) private readonly directory: InstitutionDirectory,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticationResult> {
    if (!authorization) return { status: 'anonymous' };
    const token = BEARER.exec(authorization)?.[1];
    if (!token) {
      return {
        status: 'failed',
        error: AuthError.unauthenticated('TOKEN_MALFORMED', 'The Authorization header must be "Bearer <token>"'),
      };
    }
    try {
      const principal = principalFromClaims(await this.verifier.verify(token));
      return await this.withInstitution(principal);
    } catch (error) {
      if (error instanceof AuthError) return { status: 'failed', error };
      throw error;
    }
  }

  /** Resolves the institution the credential names; tenant roles act only inside it. */
  private async withInstitution(principal: Principal): Promise<AuthenticationResult> {
    const actsForTenant = principal.roles.some((role) => TENANT_ROLES.includes(role));
    if (!principal.institutionSlug) {
      if (actsForTenant) {
        throw AuthError.forbidden('INSTITUTION_MISSING', 'The credential has a tenant role but names no institution');
      }
      return { status: 'authenticated', principal };
    }
    const entry = await this.directory.findBySlug(principal.institutionSlug);
    if (!entry) {
      throw AuthError.forbidden('INSTITUTION_UNKNOWN', 'The credential names an institution that is not registered', {
        institution: principal.institutionSlug,
      });
    }
    if (entry.status !== 'active') {
      throw AuthError.forbidden('INSTITUTION_NOT_ACTIVE', `The institution is ${entry.status}`, {
        institution: entry.slug,
        status: entry.status,
      });
    }
    const resolved: Principal = { ...principal, institutionId: entry.id };
    return {
      status: 'authenticated',
      principal: resolved,
      tenantScope: actsForTenant ? { kind: 'tenant', tenantId: entry.id } : undefined,
    };
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTHORIZATION_REFUSAL_LISTENER, type AuthorizationRefusalListener } from './authorization-refusal';
import { Authenticator } from './authenticator';
import { ServiceRefusalInterceptor } from './service-refusal.interceptor';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

@Global()
@Module({})
export class AuthModule {
  /**
   * `onRefused` hears of every authorization refusal — the guard's role refusals and the FORBIDDEN
   * errors services raise — and the control plane records them in the audit log.
   */
  static forRoot(verifier: TokenVerifier, onRefused?: AuthorizationRefusalListener): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: TOKEN_VERIFIER, useValue: verifier },
        Authenticator,
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(onRefused
          ? [
              { provide: AUTHORIZATION_REFUSAL_LISTENER, useValue: onRefused },
              { provide: APP_INTERCEPTOR, useClass: ServiceRefusalInterceptor },
            ]
          : []),
      ],
      exports: [TOKEN_VERIFIER, Authenticator],
    };
  }
}

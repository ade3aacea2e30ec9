import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTHORIZATION_REFUSAL_LISTENER, type AuthorizationRefusalListener } from './authorization-refusal';
import { Authenticator } from './authenticator';
import { TOKEN_VERIFIER, type TokenVerifier } from './token-verifier';

@Global()
@Module({})
export class AuthModule {
  /** `onRefused` hears of every role refusal (the control plane records them in the audit log). */
  static forRoot(verifier: TokenVerifier, onRefused?: AuthorizationRefusalListener): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: TOKEN_VERIFIER, useValue: verifier },
        Authenticator,
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(onRefused ? [{ provide: AUTHORIZATION_REFUSAL_LISTENER, useValue: onRefused }] : []),
      ],
      exports: [TOKEN_VERIFIER, Authenticator],
    };
  }
}

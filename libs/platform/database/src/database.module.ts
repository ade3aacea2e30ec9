import { Global, Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TenantDatabase } from './tenant-database';
import { TenantScopes } from './tenant-scopes';

/** Provides the app-role DataSource (already initialised by the caller), TenantDatabase and TenantScopes. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DataSource, useValue: dataSource }, TenantDatabase, TenantScopes],
      exports: [DataSource, TenantDatabase, TenantScopes],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

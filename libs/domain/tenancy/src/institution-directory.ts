import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { InstitutionDirectory, InstitutionDirectoryEntry, InstitutionStatus } from '@ai-commons/core';
import { DatabaseUnavailableError, isConnectionFailure } from '@ai-commons/database';

const TTL_MS = 30_000;

/**
 * Slug → institution lookups for authentication, before any tenant scope exists. Reads through
 * the `institution_directory_lookup` SECURITY DEFINER function (id, slug, status only) and caches
 * for a short time; changes made through TenancyService invalidate the entry at once.
 */
@Injectable()
export class CachedInstitutionDirectory implements InstitutionDirectory {
  private readonly cache = new Map<string, { entry: InstitutionDirectoryEntry | undefined; expires: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async findBySlug(slug: string): Promise<InstitutionDirectoryEntry | undefined> {
    const cached = this.cache.get(slug);
    if (cached && cached.expires > Date.now()) return cached.entry;
    let rows: { id: string; slug: string; status: InstitutionStatus }[];
    try {
      rows = await this.dataSource.query('select id, slug, status from institution_directory_lookup($1)', [slug]);
    } catch (error) {
      if (isConnectionFailure(error)) throw new DatabaseUnavailableError(error);
      throw error;
    }
    const entry = rows[0];
    this.cache.set(slug, { entry, expires: Date.now() + TTL_MS });
    return entry;
  }

  invalidate(slug: string): void {
    this.cache.delete(slug);
  }
}

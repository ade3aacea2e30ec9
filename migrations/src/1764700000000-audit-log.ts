import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper-evident audit log on top of `audit_events` (RFC 9162 Merkle tree, signed tree heads).
 *
 * - `audit_events` stays the one place events are written, inside the business transaction. New
 *   columns: `seq` (insertion order), `write_xid` (the writing transaction, which tells the sequencer
 *   when an event is final), `actor_subject` (for filtering) and the gateway request fields.
 * - The sequencer (one process at a time, under an advisory lock) gives committed events gap-free
 *   leaf indexes in `audit_leaves`, stores every completed perfect subtree above the leaves in
 *   `audit_tree_nodes` (so any root or proof is O(log n) lookups) and signs `audit_tree_heads`.
 *
 * All four tables are owned by the NOLOGIN audit owner, reject UPDATE, DELETE and TRUNCATE by
 * trigger, and grant the app role only SELECT and INSERT. The sequencer's tables hold hashes and
 * event ids only: every session may read them (proofs need other institutions' hashes), only the
 * platform's own services (`app.cross_tenant = 'system'`) may append.
 */
export class AuditLog1764700000000 implements MigrationInterface {
  name = 'AuditLog1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table audit_events
        alter column occurred_at set default date_trunc('milliseconds', clock_timestamp()),
        add column seq bigint generated always as identity,
        add column write_xid xid8 not null default pg_current_xact_id(),
        add column actor_subject text generated always as (actor ->> 'subject') stored,
        add column endpoint text,
        add column model text,
        add column data_classification text,
        add column prompt_tokens integer,
        add column completion_tokens integer,
        add column latency_ms integer,
        add column http_status integer,
        add column policy_decision text,
        add column prompt_hmac text,
        add constraint audit_events_tokens_non_negative
          check (coalesce(prompt_tokens, 0) >= 0 and coalesce(completion_tokens, 0) >= 0);
      create index audit_events_sequencing on audit_events (write_xid, seq);
      create index audit_events_actor_time on audit_events (actor_subject, occurred_at, id);
      create index audit_events_action_time on audit_events (action, occurred_at, id);
      create index audit_events_resource_time on audit_events (resource_type, resource_id, occurred_at, id);

      -- The platform's own services (gateway audit writer, sequencer) append and read every event.
      create policy audit_events_system_read on audit_events for select to ai_commons_app
        using (app_cross_tenant() = 'system');
      create policy audit_events_system_append on audit_events for insert to ai_commons_app
        with check (app_cross_tenant() = 'system');

      create function audit_log_reject_change() returns trigger language plpgsql as $$
        begin raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = 'insufficient_privilege'; end $$;

      create table audit_leaves (
        leaf_index bigint primary key,
        -- No foreign key: the sequencer reads the event in the same transaction, both tables are
        -- append-only, and a per-row check would halve the sequencer's speed.
        event_id uuid not null,
        leaf_hash bytea not null,
        -- The sequencer's watermark: where the next batch of events starts.
        event_xid xid8 not null,
        event_seq bigint not null,
        constraint audit_leaves_event_key unique (event_id),
        constraint audit_leaves_index_non_negative check (leaf_index >= 0),
        constraint audit_leaves_hash_length check (length(leaf_hash) = 32)
      );

      create table audit_tree_nodes (
        level smallint not null,
        index bigint not null,
        hash bytea not null,
        primary key (level, index),
        constraint audit_tree_nodes_level_range check (level between 1 and 62),
        constraint audit_tree_nodes_index_non_negative check (index >= 0),
        constraint audit_tree_nodes_hash_length check (length(hash) = 32)
      );

      create table audit_tree_heads (
        tree_size bigint not null,
        signed_at timestamptz not null,
        root_hash bytea not null,
        key_id text not null,
        signature text not null,
        primary key (tree_size, signed_at),
        constraint audit_tree_heads_size_non_negative check (tree_size >= 0),
        constraint audit_tree_heads_root_length check (length(root_hash) = 32)
      );
      create index audit_tree_heads_time on audit_tree_heads (signed_at);
    `);
    for (const table of ['audit_leaves', 'audit_tree_nodes', 'audit_tree_heads']) {
      await db.query(`
        alter table ${table} enable row level security;
        alter table ${table} force row level security;
        create policy ${table}_read on ${table} for select to ai_commons_app using (true);
        create policy ${table}_system_append on ${table} for insert to ai_commons_app
          with check (app_cross_tenant() = 'system');
        create trigger ${table}_no_update_delete before update or delete on ${table}
          for each row execute function audit_log_reject_change();
        create trigger ${table}_no_truncate before truncate on ${table}
          for each statement execute function audit_log_reject_change();
        alter table ${table} owner to ai_commons_audit_owner;
        grant select, insert on ${table} to ai_commons_app;
      `);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop table audit_tree_heads;
      drop table audit_tree_nodes;
      drop table audit_leaves;
      drop function audit_log_reject_change();
      drop policy audit_events_system_append on audit_events;
      drop policy audit_events_system_read on audit_events;
      drop index audit_events_resource_time;
      drop index audit_events_action_time;
      drop index audit_events_actor_time;
      drop index audit_events_sequencing;
      alter table audit_events
        drop constraint audit_events_tokens_non_negative,
        drop column prompt_hmac,
        drop column policy_decision,
        drop column http_status,
        drop column latency_ms,
        drop column completion_tokens,
        drop column prompt_tokens,
        drop column data_classification,
        drop column model,
        drop column endpoint,
        drop column actor_subject,
        drop column write_xid,
        drop column seq,
        alter column occurred_at set default clock_timestamp();
    `);
  }
}

import type { Registry } from 'prom-client';
import { gaugeFrom } from '@ai-commons/observability';
import type { AuditRuntime } from '../audit-runtime';

/**
 * The audit log's health, read when scraped: the writer's queue and dead letters, and — from the
 * process holding the sequencer's lock — the size of the log and the age of its latest signed tree
 * head (other processes report no sample; alert on the max across instances).
 */
export function registerAuditGauges(registry: Registry, audit: AuditRuntime): void {
  gaugeFrom(registry, 'ai_commons_audit_writer_queue_depth', 'Audit records waiting for the batch writer', () => audit.writer.pending);
  gaugeFrom(registry, 'ai_commons_audit_dead_lettered_records', 'Audit records the database refused, moved aside (alert)', () => audit.writer.deadLettered);
  gaugeFrom(registry, 'ai_commons_audit_tree_head_age_seconds', 'Age of the latest signed tree head (sequencer lock holder only)', () => {
    const head = audit.sequencer?.latestTreeHead;
    return head ? [{ labels: {}, value: Math.max(0, Date.now() - Date.parse(head.timestamp)) / 1000 }] : [];
  });
  gaugeFrom(registry, 'ai_commons_audit_tree_size', 'Leaves in the audit log, as the sequencer lock holder knows', () => {
    const sequencer = audit.sequencer;
    return sequencer?.latestTreeHead ? [{ labels: {}, value: sequencer.treeSize }] : [];
  });
}

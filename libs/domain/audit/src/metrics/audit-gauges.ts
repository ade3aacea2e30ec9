import { Histogram, type Registry } from 'prom-client';
import { counterFrom, gaugeFrom } from '@ai-commons/observability';
import type { AuditRuntime } from '../audit-runtime';

/**
 * The audit log's health, read when scraped: the writer's queue and dead letters, and — from the
 * process holding the sequencer's lock — the size of the log and the age of its latest signed tree
 * head (other processes report no sample; alert on the max across instances). The commit latency
 * of the writer's batches (admission records wait for theirs) is the one figure observed as it happens.
 */
export function registerAuditGauges(registry: Registry, audit: AuditRuntime): void {
  const commits = new Histogram({
    name: 'ai_commons_audit_commit_duration_seconds',
    help: 'One batch of the audit writer: sent until committed (what a durable admission record waits for)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  audit.writer.commitObserver = (durationMs) => commits.observe(durationMs / 1000);
  counterFrom(registry, 'ai_commons_audit_events_written_total', 'Audit records the writer committed since start', () => audit.writer.written);
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

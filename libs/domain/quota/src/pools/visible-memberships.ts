import type { EntityManager } from 'typeorm';

interface Membership {
  tenant_id: string;
  pool_id: string;
}

/** The pool memberships the caller's scope shows (RLS): every one across tenants, a member's own otherwise. */
export async function visibleMemberships(tx: EntityManager): Promise<Membership[]> {
  return (await tx.query(`select tenant_id, pool_id from quota_pool_members`)) as Membership[];
}

export function isVisible(visible: readonly Membership[], poolId: string, institutionId: string): boolean {
  return visible.some((row) => row.pool_id === poolId && row.tenant_id === institutionId);
}

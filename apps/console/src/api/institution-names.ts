import { useQuery } from './use-query';
import { request } from './client';
import { InstitutionsDocument } from './documents';
import { institutionName } from '../format/format';

/** id → "nameKo (nameEn)" for the institutions the caller may see; ready once they are loaded. */
export function useInstitutionNames(): { nameOf: (id: string | null | undefined) => string; ready: boolean } {
  const query = useQuery(() => request(InstitutionsDocument), 'institutions');
  const names = new Map((query.data?.institutions.edges ?? []).map(({ node }) => [node.id, institutionName(node)]));
  return { nameOf: (id) => (id ? (names.get(id) ?? id) : '—'), ready: !query.loading };
}

import { useQuery } from './use-query';
import { request } from './client';
import { InstitutionsDocument } from './documents';
import { institutionName } from '../format/format';

/** id → "nameKo (nameEn)" for the institutions the caller may see; ready once they are loaded. */
export function useInstitutionNames(): {
  nameOf: (id: string | null | undefined) => string;
  ready: boolean;
  all: { id: string; name: string }[];
} {
  const query = useQuery(() => request(InstitutionsDocument), 'institutions');
  const all = (query.data?.institutions.edges ?? []).map(({ node }) => ({ id: node.id, name: institutionName(node) }));
  const names = new Map(all.map(({ id, name }) => [id, name]));
  return { nameOf: (id) => (id ? (names.get(id) ?? id) : '—'), ready: !query.loading, all };
}

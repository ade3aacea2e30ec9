/** One page of rows fetched in keyset order: `size + 1` rows tell whether there is a next one. */
export interface Page<T> {
  rows: T[];
  size: number;
}

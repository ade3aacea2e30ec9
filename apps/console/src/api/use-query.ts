import { useCallback, useEffect, useState } from 'react';

export interface QueryState<T> {
  data: T | null;
  error: Error | null;
  /** True until the answer for the current key is in (the previous answer may still be shown). */
  loading: boolean;
  reload(): void;
}

/** Runs load whenever key changes; the last answer wins. */
export function useQuery<T>(load: () => Promise<T>, key: string): QueryState<T> {
  const [generation, setGeneration] = useState(0);
  const requestKey = `${generation}:${key}`;
  const [state, setState] = useState<{ data: T | null; error: Error | null; answered: string | null }>({ data: null, error: null, answered: null });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, error: null, answered: requestKey }),
      (error: Error) => current && setState({ data: null, error, answered: requestKey }),
    );
    return () => {
      current = false;
    };
  }, [requestKey]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.answered !== requestKey, reload };
}

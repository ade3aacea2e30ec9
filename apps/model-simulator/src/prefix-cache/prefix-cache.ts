/**
 * What a vLLM replica's automatic prefix cache does for time to first token, reduced to its effect:
 * a prompt whose prefix (every chat message before the last) was seen among the last `capacity`
 * distinct prefixes starts faster. Least recently used prefixes are evicted first. Deterministic:
 * the outcome depends only on the order of requests.
 */
export class PrefixCache {
  private readonly recent = new Map<string, true>();

  /** Whether `key` is cached now; records it as most recently used either way. */
  lookup(key: string, capacity: number): boolean {
    const hit = this.recent.delete(key);
    if (capacity <= 0) return false;
    this.recent.set(key, true);
    while (this.recent.size > capacity) this.recent.delete(this.recent.keys().next().value!);
    return hit;
  }
}

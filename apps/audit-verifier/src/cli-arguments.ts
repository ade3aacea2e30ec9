import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export interface VerifierArguments {
  readonly bundleDir: string;
  /** Every --public-key given: the pinned keys (the current one and any retired ones still to be verified). */
  readonly publicKeyPaths: readonly string[];
  readonly json: boolean;
  /** Worker threads that scan and hash events.jsonl; 0 verifies on the main thread alone. */
  readonly threads: number;
}

export type ParsedArguments =
  { readonly kind: 'run'; readonly args: VerifierArguments } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: audit-verifier --bundle <dir> --public-key <pinned.pem> [--public-key <retired.pem> …] [--json] [--threads <n>]

Verifies an ai-commons audit export bundle offline against pinned Ed25519 public keys.

  --bundle <dir>        bundle directory (manifest.json, events.jsonl, tree-heads.jsonl, proofs.json)
  --public-key <file>   a log public key obtained out of band (SPKI PEM or raw base64); repeat it
                        to pin every key that signed the bundle's tree heads (after a key rotation:
                        the current and the retired ones). Each head must be signed by the pinned
                        key its keyId names; the bundle's own key files are never trusted
  --json                print the verification report as JSON
  --threads <n>         worker threads that scan and hash the events (default: one per CPU,
                        ${defaultThreads()} here); 0 verifies on the main thread alone
  --help                show this help

Exit codes: 0 verified, 1 verification failed, 2 usage error or unreadable input.`;

/** Options that take a value; `multiple`: may be repeated (every pinned key), the others only once. */
const OPTIONS = {
  bundle: { type: 'string', multiple: false },
  'public-key': { type: 'string', multiple: true },
  threads: { type: 'string', multiple: false },
  json: { type: 'boolean', multiple: false },
  help: { type: 'boolean', short: 'h', multiple: false },
} as const;
type OptionName = keyof typeof OPTIONS;
const MAX_THREADS = 256;

/** One worker per CPU: the main thread's share (reading, tree, checks) is small next to theirs. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * `node:util` parseArgs tokenises (long and short options, `--name=value`, groups, `--`); its
 * lenient mode returns every token in order, so each problem is reported by this tool's own rules and
 * messages, at the first offending argument (strict mode would throw its own wording).
 */
export function parseArguments(argv: readonly string[]): ParsedArguments {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<OptionName, string>();
  const publicKeyPaths: string[] = [];
  let json = false;
  for (const token of tokens) {
    const argument = argv[token.index]!;
    if (token.kind !== 'option' || !Object.hasOwn(OPTIONS, token.name)) return { kind: 'error', message: `unknown argument "${argument}"` };
    const name = token.name as OptionName;
    if (OPTIONS[name].type === 'boolean') {
      if (token.value !== undefined) return { kind: 'error', message: `--${name} takes no value` };
      if (name === 'help') return { kind: 'help' };
      json = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || value === '' || value.startsWith('--')) return { kind: 'error', message: `--${name} needs a value` };
    if (OPTIONS[name].multiple) {
      publicKeyPaths.push(value);
      continue;
    }
    if (values.has(name)) return { kind: 'error', message: `--${name} given twice` };
    values.set(name, value);
  }
  const bundleDir = values.get('bundle');
  if (bundleDir === undefined) return { kind: 'error', message: '--bundle is required' };
  if (publicKeyPaths.length === 0) return { kind: 'error', message: '--public-key is required (pin the key; the bundle’s own key is not trusted)' };
  const threadsText = values.get('threads');
  const threads = threadsText === undefined ? defaultThreads() : Number(threadsText);
  if (!/^\d+$/.test(threadsText ?? '0') || threads > MAX_THREADS) return { kind: 'error', message: `--threads must be an integer from 0 to ${MAX_THREADS}` };
  return { kind: 'run', args: { bundleDir, publicKeyPaths, json, threads } };
}

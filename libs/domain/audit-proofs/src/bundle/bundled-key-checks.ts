import { isAuditProofError } from '../errors';
import { PinnedKeys } from '../tree-head/pinned-keys';
import { importPublicKey, keyIdOf } from '../tree-head/signing-keys';
import { BundleManifest } from './bundle-manifest';
import { parseBundledPublicKeys } from './bundle-public-keys';
import { FailureCollector } from './failure-collector';

export interface BundledKeyFiles {
  /** public-key.pem: the signing key when the bundle was written */
  readonly publicKeyPem: string | null;
  /** public-keys.json: every key that signed a bundled head (absent from bundles written before rotation) */
  readonly publicKeysJson: string | null;
}

/**
 * Compares the keys the bundle carries with the pinned ones. Warnings only: signatures are always
 * checked with the pinned keys, so a bundled key can neither make a head pass nor fail — but a
 * mismatch tells the reader that the keys they pinned may not be the ones the log published.
 */
export function checkBundledKeys(files: BundledKeyFiles, manifest: BundleManifest | null, pinned: PinnedKeys, collector: FailureCollector): void {
  checkCurrentKeyFile(files.publicKeyPem, pinned, collector);
  if (files.publicKeysJson !== null) checkKeyList(files.publicKeysJson, pinned, collector);
  if (manifest !== null && !pinned.has(manifest.publicKeyId)) {
    collector.warn({ code: 'PUBLIC_KEY_MISMATCH', message: `the manifest names signing key ${manifest.publicKeyId}, which is not pinned` });
  }
}

function checkCurrentKeyFile(pem: string | null, pinned: PinnedKeys, collector: FailureCollector): void {
  if (pem === null) {
    collector.warn({ code: 'PUBLIC_KEY_MISSING', message: 'the bundle has no public-key.pem; the pinned keys were used' });
    return;
  }
  try {
    const bundledKeyId = keyIdOf(importPublicKey(pem));
    if (!pinned.has(bundledKeyId)) {
      collector.warn({
        code: 'PUBLIC_KEY_MISMATCH',
        message: `public-key.pem (key ${bundledKeyId}) is not a pinned key (${[...pinned.keys()].join(', ')}); signatures were checked with the pinned keys`,
      });
    }
  } catch (error) {
    if (!isAuditProofError(error)) throw error;
    collector.warn({ code: 'PUBLIC_KEY_UNREADABLE', message: `public-key.pem is unreadable: ${error.message}` });
  }
}

function checkKeyList(text: string, pinned: PinnedKeys, collector: FailureCollector): void {
  let entries;
  try {
    entries = parseBundledPublicKeys(text);
  } catch (error) {
    if (!isAuditProofError(error)) throw error;
    collector.warn({ code: 'PUBLIC_KEY_UNREADABLE', message: `public-keys.json is unreadable: ${error.message}` });
    return;
  }
  for (const entry of entries) {
    if (entry.key === null) {
      collector.warn({ code: 'PUBLIC_KEY_UNREADABLE', message: `public-keys.json key ${entry.declaredKeyId} is unreadable: ${entry.problem}` });
      continue;
    }
    const keyId = keyIdOf(entry.key);
    if (keyId !== entry.declaredKeyId) {
      collector.warn({ code: 'PUBLIC_KEY_MISMATCH', message: `public-keys.json lists key ${keyId} under the key id ${entry.declaredKeyId}` });
    } else if (!pinned.has(keyId)) {
      collector.warn({ code: 'PUBLIC_KEY_MISMATCH', message: `public-keys.json holds key ${keyId}, which is not pinned` });
    }
  }
}

/** At most this many characters of a key are ever shown. */
export const MAX_VISIBLE = 8;

/**
 * A key as it may appear on screen or in logs: the vendor prefix up to its first dash or
 * underscore (`sk-`, `gsk_`, at most 4 chars), an ellipsis, and the last 4 characters —
 * `sk-…c3f9`. Shorter keys show less (no prefix below 32 chars, the last 2 below 16, nothing
 * below 8), so at most a quarter of any key and never more than MAX_VISIBLE characters show.
 */
export function maskKey(key: string): string {
  const k = key.trim();
  if (k.length < 8) return "…";
  if (k.length < 16) return `…${k.slice(-2)}`;
  const prefix = k.length >= 32 ? (/^[A-Za-z]{1,3}[-_]/.exec(k)?.[0] ?? "") : "";
  return `${prefix}…${k.slice(-4)}`;
}

import { UserError, ExitCode } from "../util/user-error.js";
import { didYouMean } from "../util/did-you-mean.js";
import { loadProviders, type Provider } from "./providers.js";

/**
 * The catalog entry for a provider id given by a user (flag, config, `keys set <id>`), or a
 * usage error (exit 2) that lists the known ids and suggests the closest one.
 */
export function requireProvider(
  id: string,
  providers: readonly Provider[] = loadProviders(),
  where = "provider",
): Provider {
  const found = providers.find((p) => p.id === id);
  if (found) return found;
  const ids = providers.map((p) => p.id);
  const guess = didYouMean(id, ids);
  throw new UserError(
    `unknown ${where} '${id}'${guess ? ` (did you mean '${guess}'?)` : ""}; known: ${ids.join(", ")}`,
    ExitCode.usage,
  );
}

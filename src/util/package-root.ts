import { fileURLToPath } from "node:url";
import path from "node:path";

/**
 * The installed package's root (holds providers/, prompts/, examples/).
 * Compiled code lives in dist/<dir>/, sources in src/<dir>/: both are two levels down.
 */
export const packageRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

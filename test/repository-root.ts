import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's top directory, for paths to its services, data directory and the datasets beside it. */
export const repositoryRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

// File-system helpers the dataset readers share: presence checks that tell a missing file from
// an unreadable one, and JSON reading that names the file when it is malformed.
import { type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** Parsed JSON of a file; a syntax error names the file. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Whether a regular file exists at the path (other failures than absence are thrown). */
export async function isFile(file: string): Promise<boolean> {
  return (await statIfPresent(file))?.isFile() ?? false;
}

/** Whether a directory exists at the path (other failures than absence are thrown). */
export async function isDirectory(directory: string): Promise<boolean> {
  return (await statIfPresent(directory))?.isDirectory() ?? false;
}

async function statIfPresent(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

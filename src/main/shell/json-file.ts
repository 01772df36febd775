/** The desktop shell's small JSON files in the user data folder (window state, preferences). */
import fs from 'node:fs';
import path from 'node:path';

/** The JSON value in `text`, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The text of `dir/name`, or '' when it cannot be read. */
export function readFileText(dir: string, name: string): string {
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return '';
  }
}

/** Written to a temporary file and renamed over the old one: a crash mid-write leaves the old contents. */
export function writeJsonFile(dir: string, name: string, value: unknown): void {
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(tmp, `${JSON.stringify(value)}\n`);
  fs.renameSync(tmp, file);
}

/** What several of the shell's unit tests share: the project root, a menu item's click, electron-builder.yml. */
import fs from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { parse as parseYaml } from 'yaml';

export const root = path.resolve(__dirname, '../../..');

export const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

export type BuilderConfig = Record<string, unknown> & {
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  extraResources: { from: string; to: string }[];
  electronFuses: Record<string, boolean>;
};

/**
 * Parsed as YAML, as electron-builder reads it: a line-by-line reading would pass a key nested in the
 * wrong block or commented out in an unexpected way.
 */
export const builderConfig = (): BuilderConfig =>
  parseYaml(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

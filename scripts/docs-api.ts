// npm run docs:api — writes docs/api.md from the contracts.
import fs from 'node:fs';
import path from 'node:path';
import { renderApiDocs } from '../src/main/core/api/docs';

const file = path.resolve(__dirname, '../docs/api.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, renderApiDocs());
console.log(`wrote ${path.relative(process.cwd(), file)}`);

// node scripts/check-doc-links.mjs — checks every relative Markdown link in README.md, docs/**/*.md and
// bench/README.md: the file or folder it names must exist, and a #fragment on a Markdown file must name one
// of its headings (GitHub's anchors). Prints the broken ones, one a line, and exits 1 when there is any.
// Links inside code (fenced blocks, `spans`) and to other sites (http:, https:, mailto:) are not checked.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles() {
  const out = ['README.md', 'bench/README.md'].filter((f) => fs.existsSync(path.join(root, f)));
  const walk = (dir) => {
    if (!fs.existsSync(path.join(root, dir))) return;
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  return out;
}

/** The text without fenced code blocks and, unless `keepSpans`, inline code spans (lines kept, for line numbers). */
function withoutCode(text, keepSpans = false) {
  const lines = text.split('\n');
  let fence = null;
  return lines
    .map((line) => {
      const m = /^\s*(```+|~~~+)/.exec(line);
      if (fence) {
        if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
        return '';
      }
      if (m) {
        fence = m[1];
        return '';
      }
      return keepSpans ? line : line.replace(/(`+)[\s\S]*?\1/g, (s) => ' '.repeat(s.length));
    })
    .join('\n');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2 … */
function anchorsOf(file) {
  const seen = new Map();
  const anchors = new Set();
  for (const line of withoutCode(fs.readFileSync(file, 'utf8'), true).split('\n')) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const text = h[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const anchorCache = new Map();
const anchors = (file) => {
  if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(file));
  return anchorCache.get(file);
};

function linksOf(text) {
  const out = [];
  const lines = withoutCode(text).split('\n');
  lines.forEach((line, i) => {
    // Inline links and images: [text](target "title"), ![alt](target)
    for (const m of line.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: m[1], line: i + 1 });
    // Reference definitions: [name]: target
    const d = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(line);
    if (d) out.push({ target: d[1], line: i + 1 });
  });
  return out;
}

const broken = [];
let checked = 0;
for (const rel of markdownFiles()) {
  const file = path.join(root, rel);
  for (const { target, line } of linksOf(fs.readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    checked++;
    const [pathPart, fragment] = target.split('#');
    const dest = pathPart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(pathPart));
    if (!fs.existsSync(dest)) {
      broken.push(`${rel}:${line}: ${target} (no such file: ${path.relative(root, dest) || '.'})`);
      continue;
    }
    if (fragment && dest.endsWith('.md') && !anchors(dest).has(fragment.toLowerCase())) {
      broken.push(`${rel}:${line}: ${target} (no heading #${fragment} in ${path.relative(root, dest)})`);
    }
  }
}

for (const b of broken) console.log(b);
console.log(`${checked} relative links checked, ${broken.length} broken`);
process.exit(broken.length ? 1 : 0);

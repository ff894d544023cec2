// Every relative link in README.md, docs/ and the heartbeat module's README resolves in a clone:
// the file (or folder) is in the repository, and a `#fragment` names a heading of that file.
// Part of `make test-fast`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = ['README.md', 'workers/heartbeat/README.md', ...(await fs.readdir(path.join(root, 'docs')))
  .filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

async function anchorsOf(file) {
  const text = await fs.readFile(file, 'utf8');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1].replace(/`/g, ''))));
}

for (const doc of DOCS) {
  test(`${doc}: every relative link resolves`, async () => {
    const text = await fs.readFile(path.join(root, doc), 'utf8');
    // [text](target) and ![alt](target), outside code blocks.
    const prose = text.replace(/```[\s\S]*?```/g, '');
    const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1])
      .filter((target) => !/^(https?:|mailto:)/.test(target));
    assert.ok(doc !== 'README.md' || links.length > 5, 'README links to its docs');
    for (const link of links) {
      const [target, fragment] = link.split('#');
      const file = target === '' ? path.join(root, doc) : path.resolve(path.dirname(path.join(root, doc)), target);
      assert.ok(file.startsWith(root), `${doc}: ${link} points outside the repository`);
      await fs.stat(file).catch(() => assert.fail(`${doc}: ${link} does not resolve (${path.relative(root, file)})`));
      if (fragment) assert.ok((await anchorsOf(file)).has(fragment), `${doc}: ${link} names no heading of ${path.relative(root, file)}`);
    }
  });
}

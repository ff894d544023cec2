// The drain's npm imports are pinned twice: in its deno.json (what `supabase functions deploy`
// bundles) and in the repository's package.json (what the offline tests and the local stack run,
// from node_modules). They must be the same versions.
import assert from 'node:assert/strict';

Deno.test("deno.json and package.json pin the same versions of the drain's imports", async () => {
  const deno = JSON.parse(await Deno.readTextFile(new URL('../deno.json', import.meta.url)));
  const pkg = JSON.parse(await Deno.readTextFile(new URL('../../../../package.json', import.meta.url)));
  for (const [name, specifier] of Object.entries<string>(deno.imports)) {
    const version = specifier.match(/^npm:(?:@[^/]+\/)?[^@]+@(.+)$/)?.[1];
    assert.ok(version, `${name}: ${specifier} is a pinned npm: import`);
    assert.equal(
      pkg.devDependencies[name],
      version,
      `${name}: package.json has ${pkg.devDependencies[name]}`,
    );
  }
});

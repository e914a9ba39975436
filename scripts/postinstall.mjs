// After `npm install`: compile the message catalogues into src/paraglide/ (docs/i18n.md), so
// `npm test` and an editor find them at once (package.json runs this file where it exists: a
// copy of the built tree has none). A serving-only install (`npm ci --omit=dev`) has
// no Paraglide and no app sources to compile for: it skips, and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/@inlang/paraglide-js/package.json') || !existsSync('project.inlang/settings.json')) {
  console.log('framescope: message catalogues not compiled (no Paraglide or no catalogues here: a serving-only install)');
  process.exit(0);
}
const run = spawnSync('npm', ['run', '--silent', 'i18n'], { stdio: 'inherit' });
process.exit(run.status ?? 1);

// Vitest globalSetup for the e2e project: one `vite build` per run, shared by every e2e file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from './app-build';
import { browserTestsWillRun } from './chromium';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!browserTestsWillRun()) {
    project.provide('framescopeAppDir', '');
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'framescope-e2e-'));
  await buildApp(dir);
  project.provide('framescopeAppDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}

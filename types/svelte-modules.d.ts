// For plain `tsc` (tsconfig.node.json) only: it cannot read .svelte files, so a test that imports
// a component sees this loose type. svelte-check resolves the real component types instead.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}

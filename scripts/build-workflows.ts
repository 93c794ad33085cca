import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Bundles the workflows once into dist/workflow-bundle.js; workers load it instead of bundling at start. */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(root, 'workflows', 'index.ts'),
    // Failures' messages as encoded attributes, sealed by the payload codec (workers/data-converter.ts).
    failureConverterPath: path.join(root, 'workers', 'failure-converter.ts'),
  });
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  const out = path.join(root, 'dist', 'workflow-bundle.js');
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

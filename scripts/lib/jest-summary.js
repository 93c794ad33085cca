// Prints `tests: N passed, N failed[, N skipped]` from one or more jest --json result files.
// A missing or unreadable file means that run did not finish: it counts as a failure, and so does a
// `<file>.survivors` beside it (processes the tests started that outlived the run, see global-teardown).
const fs = require('node:fs');
let passed = 0, failed = 0, skipped = 0;
for (const file of process.argv.slice(2)) {
  try {
    const left = fs.readFileSync(`${file}.survivors`, 'utf8').trim();
    console.error(`processes started by the tests outlived the run ${file}:\n${left}`);
    failed += 1;
  } catch {
    // none
  }
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`no readable jest results at ${file}: ${e.message}`);
    failed += 1;
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests || 0);
  // A suite that fails to load has no failed tests but must still count as a failure.
  failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')).length;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed) process.exitCode = 1;

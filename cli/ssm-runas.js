#!/usr/bin/env node
// The package's bin: runs the TypeScript CLI through tsx, so there is no separate build step.
require("tsx/cjs");
require("./main.ts").run(process.argv);

#!/usr/bin/env node
// Type-checks the playground's JavaScript (chatkit-runtime/playground/*.js,
// `// @ts-check` + JSDoc) with the pinned TypeScript, strict, against the
// widget types of @openai/chatkit.
//
// Usage: node oracles/ts/check_playground.mjs [--verbose]
//
// Packages come from <repo>/.oracles/node/node_modules (see oracles/setup.sh),
// or from the directory named by $CHATKIT_ORACLE_NODE_MODULES. The playground
// directory can be overridden with $CHATKIT_PLAYGROUND_DIR.
//
// The compiler runs on the files in place; `@openai/chatkit` resolves through
// `paths` to the installed package, so nothing is copied or generated.
//
// Prints one line per diagnostic (file:line:col TSxxxx message), then
// "playground typecheck: N files, M errors". Exit status: 0 clean, 1 any
// diagnostic, 2 unusable setup.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');

function die(msg) {
  console.error(`playground typecheck: ${msg}`);
  process.exit(2);
}

const nodeModules = path.resolve(
  process.env.CHATKIT_ORACLE_NODE_MODULES || path.join(repoRoot, '.oracles', 'node', 'node_modules'),
);
for (const pkg of ['typescript', '@openai/chatkit']) {
  if (!fs.existsSync(path.join(nodeModules, pkg, 'package.json'))) {
    die(`${pkg} not found in ${nodeModules} (run oracles/setup.sh or set CHATKIT_ORACLE_NODE_MODULES)`);
  }
}
const require = createRequire(path.join(nodeModules, 'package.json'));
const ts = require(path.join(nodeModules, 'typescript'));

const dir = path.resolve(process.env.CHATKIT_PLAYGROUND_DIR || path.join(repoRoot, 'chatkit-runtime', 'playground'));
if (!fs.existsSync(dir)) die(`no playground directory at ${dir}`);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort()
  .map((f) => path.join(dir, f));
if (!files.length) die(`no .js files in ${dir}`);

// Every file must opt in to checking; a missing pragma is an error too, so
// a new file cannot slip through unchecked.
const missingPragma = files.filter((f) => !/^\s*\/\/\s*@ts-check\b/.test(fs.readFileSync(f, 'utf8')));

// Same as: tsc --strict --noEmit --allowJs --checkJs --target es2022
//   --module es2022 --moduleResolution bundler --lib es2022,dom,dom.iterable
const chatkitTypes = path.join(nodeModules, '@openai', 'chatkit', 'types', 'index.d.ts');
const options = {
  strict: true,
  noEmit: true,
  allowJs: true,
  checkJs: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  baseUrl: dir,
  paths: { '@openai/chatkit': [chatkitTypes] },
  skipLibCheck: false,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
};

const program = ts.createProgram({ rootNames: files, options });
const diagnostics = ts.getPreEmitDiagnostics(program);

let errors = 0;
for (const f of missingPragma) {
  errors += 1;
  console.log(`${path.relative(repoRoot, f)}:1:1 missing "// @ts-check" on the first line`);
}
for (const d of diagnostics) {
  errors += 1;
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    console.log(`${path.relative(repoRoot, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code} ${text}`);
  } else {
    console.log(`tsc: TS${d.code} ${text}`);
  }
}
if (verbose) for (const f of files) console.log(`checked ${path.relative(repoRoot, f)}`);
console.log(`playground typecheck: ${files.length} files, ${errors} errors`);
process.exit(errors ? 1 : 0);

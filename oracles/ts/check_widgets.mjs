#!/usr/bin/env node
// TypeScript widget oracle for chatkit-rs.
//
// Usage: node oracles/ts/check_widgets.mjs CORPUS.json [--verbose]
//
// CORPUS.json is a JSON array of {"name": str, "oracles": [str, ...], "widget": {...}}.
// Every entry whose "oracles" contains "ts" is spliced, as an object literal, into a
// generated module
//
//     import type { Widgets } from '@openai/chatkit';
//     export const w_<i>: Widgets.WidgetRoot = { ...the widget JSON... };
//
// which is type-checked with the TypeScript compiler API (strict, noEmit). Object
// literals get excess-property checks and keep their literal types, so unknown props,
// bad enum values, missing required props, nulls and misplaced components are all
// errors. Each diagnostic is mapped back to its entry (and to a JSON path inside it).
//
// Packages come from <repo>/.oracles/node/node_modules (see oracles/setup.sh), or from
// the directory named by $CHATKIT_ORACLE_NODE_MODULES.
//
// Prints "FAIL <name>: <message>" per diagnostic, then "ts oracle: N passed, M failed".
// Exit status: 0 all passed, 1 any failure (or no applicable entry), 2 unusable setup/input.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ORACLE = 'ts';
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

function die(msg) {
  console.error(`ts oracle: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------------------- inputs

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose') || argv.includes('-v');
const files = argv.filter((a) => !a.startsWith('-'));
if (files.length !== 1) die('usage: check_widgets.mjs CORPUS.json [--verbose]');

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

let corpus;
try {
  corpus = JSON.parse(fs.readFileSync(files[0], 'utf8'));
} catch (err) {
  die(`cannot read corpus ${files[0]}: ${err.message}`);
}
if (!Array.isArray(corpus)) die('corpus must be a JSON array');
corpus.forEach((e, i) => {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) die(`entry ${i} is not an object`);
  if (typeof e.name !== 'string') die(`entry ${i} has no string 'name'`);
  if (!Array.isArray(e.oracles)) die(`entry ${JSON.stringify(e.name)} has no 'oracles' array`);
  if (!('widget' in e)) die(`entry ${JSON.stringify(e.name)} has no 'widget'`);
});

const entries = corpus.filter((e) => e.oracles.includes(ORACLE));
if (entries.length === 0) {
  console.log(`FAIL <corpus>: no entry lists the '${ORACLE}' oracle`);
  console.log('ts oracle: 0 passed, 1 failed');
  process.exit(1);
}

// ------------------------------------------------------------------ generated module

let source = "import type { Widgets } from '@openai/chatkit';\n\n";
const spans = []; // [start, end) character offsets of each entry's declaration
entries.forEach((entry, i) => {
  const comment = `// ${i}: ${entry.name.replace(/[\r\n\u2028\u2029]/g, ' ')}\n`;
  source += comment;
  const start = source.length;
  source += `export const w_${i}: Widgets.WidgetRoot = ${JSON.stringify(entry.widget, null, 2)};\n`;
  spans.push([start, source.length]);
  source += '\n';
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkit-ts-oracle-'));
const file = path.join(tmp, 'widgets.ts');
fs.writeFileSync(file, source);
// Module resolution: a node_modules next to the generated file.
fs.symlinkSync(nodeModules, path.join(tmp, 'node_modules'), 'dir');

const options = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  skipLibCheck: false,
  exactOptionalPropertyTypes: false,
  noUnusedLocals: false,
};

let diagnostics;
let program;
try {
  program = ts.createProgram({ rootNames: [file], options });
  diagnostics = ts.getPreEmitDiagnostics(program);
} finally {
  if (!process.env.CHATKIT_ORACLE_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  else console.error(`ts oracle: generated module kept at ${file}`);
}

// ------------------------------------------------------------- diagnostics -> entries

const sf = program.getSourceFile(file);

function innermostNode(node, pos) {
  let found = node;
  ts.forEachChild(node, (child) => {
    if (found !== node) return;
    if (child.getStart(sf) <= pos && pos < child.getEnd()) found = innermostNode(child, pos);
  });
  return found;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function jsonPathAt(pos) {
  const segs = [];
  for (let n = innermostNode(sf, pos); n && !ts.isVariableDeclaration(n); n = n.parent) {
    if (ts.isPropertyAssignment(n)) {
      segs.push(n.name.text);
    } else if (n.parent && ts.isArrayLiteralExpression(n.parent)) {
      segs.push(n.parent.elements.indexOf(n));
    }
  }
  return (
    '$' +
    segs
      .reverse()
      .map((s) => (typeof s === 'number' ? `[${s}]` : IDENT.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
      .join('')
  );
}

function entryAt(pos) {
  return spans.findIndex(([a, b]) => a <= pos && pos < b);
}

const perEntry = entries.map(() => []);
const stray = [];
for (const d of diagnostics) {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const idx = d.file && d.file.fileName === sf.fileName && d.start !== undefined ? entryAt(d.start) : -1;
  if (idx >= 0) {
    perEntry[idx].push(`${jsonPathAt(d.start)}: ${text.replace(/\n/g, '\n    ')}`);
  } else {
    const where = d.file
      ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : 'tsc';
    stray.push(`${where}: TS${d.code}: ${text}`);
  }
}

let passed = 0;
let failed = 0;
entries.forEach((entry, i) => {
  if (perEntry[i].length) {
    failed += 1;
    for (const msg of perEntry[i]) console.log(`FAIL ${entry.name}: ${msg}`);
  } else {
    passed += 1;
    if (verbose) console.log(`ok   ${entry.name}`);
  }
});
for (const msg of stray) console.log(`FAIL <setup>: ${msg}`);
if (stray.length) failed += 1;

console.log(`ts oracle: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// The installed command. Runs the CLI bundled into one file (dist/cli.js, scripts/bundle.js) through a V8 code
// cache, so a start reads one file and compiles little; falls back to the compiled modules (dist/src/cli/main.js)
// when the bundle is missing, or in a checkout older than them (a `tsc` without the bundle step). The cache lives in the user's
// own cache folder ($XDG_CACHE_HOME or ~/.cache, /iommu-check, mode 0700; never a shared temporary folder, since a
// code cache is code), one file per bundle, Node version and command; it is written at exit when absent or when V8
// refused it (the few most recent bundles' are kept); IOMMU_CHECK_CODE_CACHE=0 turns it off, =verbose says on stderr what it did. A cache that cannot be read or
// written is simply not used.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const vm = require('node:vm');
const { isAscii } = require('node:buffer');

const dist = join(__dirname, '..', 'dist');
/** bundles whose cache files are kept (one set per bundle built: a rebuild, another installed version) */
const KEEP = 4;
const bundle = join(dist, 'cli.js');
const compiled = join(dist, 'src', 'cli', 'main.js');

function stat(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** The cache of this very bundle: its path, size, time and package version (npm pack gives every file one fixed
 * time), and this Node; V8 itself checks little more than the source's length. */
function cacheFile(st) {
  if (process.env.IOMMU_CHECK_CODE_CACHE === '0') return null;
  const base = process.env.XDG_CACHE_HOME || (homedir() && join(homedir(), '.cache'));
  if (!base) return null;
  let version = '';
  try {
    version = JSON.parse(fs.readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
  const id = [bundle, st.size, st.mtimeMs, version, process.version, process.arch].join('\0');
  // one per command: each caches what its own first run compiled (a `list` compiles little of `explore`)
  const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return join(base, 'iommu-check', `cli-${hash96(id)}-${command}.v8cache`);
}

/** Three independent 32-bit FNV-1a hashes of s as 24 hex digits (a file name; node:crypto costs a load). */
function hash96(s) {
  let out = '';
  for (const seed of [0x811c9dc5, 0x050c5d1f, 0x2f0b3ac7]) {
    let h = seed;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

function readCache(file) {
  try {
    return file ? fs.readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file, script) {
  try {
    fs.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(tmp, file); // whole or not at all, even with two runs at once
    // files of the few bundles written to last are kept, older bundles' removed
    const dir = dirname(file), when = new Map();
    for (const f of fs.readdirSync(dir)) {
      const m = /^cli-([0-9a-f]{24})-[a-z]+\.v8cache$/.exec(f);
      if (m) when.set(m[1], Math.max(when.get(m[1]) ?? 0, fs.statSync(join(dir, f)).mtimeMs));
    }
    const old = new Set([...when].sort((a, b) => b[1] - a[1]).slice(KEEP).map(([b]) => b));
    for (const f of fs.readdirSync(dir)) if (old.has(f.slice(4, 28))) fs.rmSync(join(dir, f), { force: true });
  } catch {
    // not cached: the next run compiles again
  }
}

/** Loads the bundle as a CommonJS module, compiled with the cached code when V8 accepts it. */
function loadBundle(st) {
  const bytes = fs.readFileSync(bundle);
  // the bundle is ASCII (scripts/bundle.js escapes the rest): read as Latin-1, a copy, where UTF-8 decodes (4 ms)
  const source = (isAscii?.(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')).replace(/^#!/, '//');
  const file = cacheFile(st);
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const write = file && (!cachedData || script.cachedDataRejected);
  if (write) process.once('exit', () => writeCache(file, script));
  if (process.env.IOMMU_CHECK_CODE_CACHE === 'verbose') {
    process.stderr.write(`code cache: ${!file ? 'off' : !cachedData ? 'none yet' : script.cachedDataRejected ? 'rejected' : 'used'}${write ? `, writing ${file}` : ''}\n`);
  }
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(dist);
  const req = (id) => mod.require(id);
  req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  req.cache = Module._cache;
  req.extensions = Module._extensions;
  req.main = require.main;
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, bundle, dist);
  mod.loaded = true;
  return mod.exports;
}

// in a checkout (tsconfig.json beside package.json) a `tsc` may have left the bundle behind; an installed package
// holds what its build made (and npm's unpacking gives its files no telling times)
const st = stat(bundle), compiledAt = stat(compiled);
const checkout = fs.existsSync(join(__dirname, '..', 'tsconfig.json'));
const current = st && (!checkout || !compiledAt || st.mtimeMs >= compiledAt.mtimeMs);
const cli = current ? loadBundle(st) : require(compiled);
cli.main(process.argv);

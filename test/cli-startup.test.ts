/**
 * Start-up (issue 13, item 3): which build bin/tailcheck.js runs, and what the CLI imports before it
 * does anything. The figures are in bench/startup.ts; these are the rules that keep them.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without declarations (it runs before anything is built)
import { distIsCurrent, newestSourceTime, STAMP_FILE } from '../scripts/dist-stamp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tailcheck-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Sets a file's modification time `secondsFromNow` away. */
function touch(path: string, secondsFromNow: number): void {
  const at = new Date(Date.now() + secondsFromNow * 1000);
  utimesSync(path, at, at);
}

describe('the dist/ build stamp', () => {
  const root = join(scratch, 'stamp');
  write(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  write(join(root, 'src', 'a.test.ts'), '');
  write(join(root, 'perturbations', 'typo', 'b.ts'), '');
  write(join(root, 'tsconfig.json'), '{}');
  const stamp = (sourcesNewest: number) =>
    write(join(root, STAMP_FILE), JSON.stringify({ sourcesNewest, builtAt: 'now' }));

  it('is current only when no source, folder or tsconfig is newer than the build', () => {
    expect(distIsCurrent(root)).toBe(false); // never built
    stamp(newestSourceTime(root));
    expect(distIsCurrent(root)).toBe(true);
    touch(join(root, 'perturbations', 'typo', 'b.ts'), 60);
    expect(distIsCurrent(root)).toBe(false);
    stamp(newestSourceTime(root));
    touch(join(root, 'tsconfig.json'), 120);
    expect(distIsCurrent(root)).toBe(false);
    stamp(newestSourceTime(root));
    // a file added and removed again leaves only its folder's time behind
    write(join(root, 'src', 'gone.ts'), '');
    rmSync(join(root, 'src', 'gone.ts'));
    touch(join(root, 'src'), 180);
    expect(distIsCurrent(root)).toBe(false);
  });

  it('ignores tests, which are not compiled', () => {
    stamp(newestSourceTime(root));
    touch(join(root, 'src', 'a.test.ts'), 600);
    expect(distIsCurrent(root)).toBe(true);
  });

  it('refuses a stamp it cannot read', () => {
    write(join(root, STAMP_FILE), '{"builtAt":');
    expect(distIsCurrent(root)).toBe(false);
  });
});

describe('bin/tailcheck.js', () => {
  // A package root of its own: bin/ and the stamp check copied, a "source" and a "build" that say
  // which one ran, the repository's node_modules for tsx.
  const root = join(scratch, 'package');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'scripts'), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'tailcheck.js'), join(root, 'bin', 'tailcheck.js'));
  copyFileSync(join(ROOT, 'scripts', 'dist-stamp.js'), join(root, 'scripts', 'dist-stamp.js'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  write(join(root, 'package.json'), '{ "type": "module" }\n');
  write(join(root, 'src', 'cli', 'main.ts'), "const ran: string = 'sources';\nconsole.log(ran);\n");
  write(join(root, 'dist', 'src', 'cli', 'main.js'), "console.log('dist');\n");

  const ran = (): string => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tailcheck.js')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };
  const stamp = () =>
    write(join(root, STAMP_FILE), JSON.stringify({ sourcesNewest: newestSourceTime(root), builtAt: 'now' }));

  it('runs the sources in a checkout until dist/ is built from them', () => {
    expect(ran()).toBe('sources');
    stamp();
    expect(ran()).toBe('dist');
  });

  it('runs the sources again once one is edited after the build', () => {
    stamp();
    touch(join(root, 'src', 'cli', 'main.ts'), 60);
    expect(ran()).toBe('sources');
  });

  it('runs dist/ in an installed package (no src/), stamp or not', () => {
    rmSync(join(root, STAMP_FILE), { force: true });
    rmSync(join(root, 'src'), { recursive: true });
    expect(ran()).toBe('dist');
  });
});

describe('start-up imports', () => {
  it('a command module holds the command of its file name (only that module is loaded to run it)', async () => {
    const dir = join(ROOT, 'src', 'cli', 'commands');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: { command: string } };
      expect(mod.default.command.split(' ')[0], file).toBe(file.replace(/\.ts$/, ''));
    }
  });

  // Every module a command line loads, through tsx (the same import graph as dist/).
  const hooks = join(scratch, 'hooks.mjs');
  write(
    hooks,
    `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  process.stderr.write('LOADED ' + resolved.url + '\\n');
  return resolved;
}
`,
  );
  // CommonJS modules (require(), and packages an ES module imports) are listed at exit from the cache.
  const register = join(scratch, 'register.mjs');
  write(
    register,
    `import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(pathToFileURL(hooks).href)});
process.on('exit', () => {
  for (const file of Object.keys(Module._cache)) process.stderr.write('LOADED ' + pathToFileURL(file).href + '\\n');
});
`,
  );
  const data = join(scratch, 'one.jsonl');
  write(data, '{"text":"Where is my card?"}\n');

  function loaded(args: string[]): string[] {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', register, join(ROOT, 'src', 'cli', 'main.ts'), ...args],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    return r.stderr
      .split('\n')
      .filter((l) => l.startsWith('LOADED '))
      .map((l) => l.slice('LOADED '.length));
  }
  const packages = (urls: string[]) =>
    new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
  const commands = (urls: string[]) =>
    urls.filter((u) => u.includes('/src/cli/commands/')).map((u) => u.replace(/.*\//, ''));
  // loaded when a run needs them, never to start
  const HEAVY = [
    'zod',
    '@huggingface/transformers',
    'onnxruntime-node',
    'yaml',
    'natural',
    'cli-progress',
    'compromise',
    'wink-nlp',
    'wink-eng-lite-web-model',
  ];

  it('`tailcheck perturbations` loads its own command and no heavy package', () => {
    const urls = loaded(['perturbations']);
    expect(commands(urls)).toEqual(['perturbations.ts']);
    // hyphen too: typo.split loads its patterns when it first splits a word
    expect([...packages(urls)].filter((p) => [...HEAVY, 'hyphen'].includes(p))).toEqual([]);
  });

  it('`tailcheck perturb --perturb typo` loads its own command and no heavy package', () => {
    const urls = loaded(['perturb', '--data', data, '--perturb', 'typo']);
    expect(commands(urls)).toEqual(['perturb.ts']);
    expect([...packages(urls)].filter((p) => HEAVY.includes(p))).toEqual([]);
  });
});

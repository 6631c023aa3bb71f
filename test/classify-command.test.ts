import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandClassifier, parseCommand } from '../src/classify/backends/command.ts';
import { loadClassifier } from '../src/classify/load.ts';
import { ModelError, UsageError } from '../src/errors.ts';
import type { Classifier } from '../src/types.ts';
import { LABELS, predict } from './fixtures/backends/_model.mjs';

const backends = fileURLToPath(new URL('./fixtures/backends/', import.meta.url));
const node = JSON.stringify(process.execPath);
const script = (name: string, ...args: string[]) =>
  [node, JSON.stringify(join(backends, name)), ...args.map((a) => JSON.stringify(a))].join(' ');

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-cmd-'));
const open: Classifier[] = [];
afterAll(async () => {
  await Promise.all(open.map((c) => c.close?.().catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});
async function start(command: string, opts: Parameters<typeof createCommandClassifier>[1] = {}) {
  const clf = await createCommandClassifier(command, opts);
  open.push(clf);
  return clf;
}

describe('parseCommand', () => {
  it('splits like a shell, without expansions', () => {
    expect(parseCommand(`python3 "my model/predict.py" --name 'a b' x\\ y "q\\"uote" '$HOME' ""`)).toEqual([
      'python3',
      'my model/predict.py',
      '--name',
      'a b',
      'x y',
      'q"uote',
      '$HOME',
      '',
    ]);
    expect(parseCommand('  node   a.js\tb  ')).toEqual(['node', 'a.js', 'b']);
  });

  it('rejects unclosed quotes and empty commands', () => {
    expect(() => parseCommand('python "predict.py')).toThrow(UsageError);
    expect(() => parseCommand('   ')).toThrow(/empty model command/);
  });
});

describe('command backend', () => {
  it('gets labels by handshake and classifies in batches', async () => {
    const clf = await start(script('good.mjs'), { batchSize: 2 });
    expect(clf.labels).toEqual(LABELS);
    const input = ['great app', 'awful fees', 'where is my card', '👩‍👩‍👧 中文 עברית'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    expect(clf.id).toBe(`cmd:${script('good.mjs')}`);
  });

  it('is reached through loadClassifier with a cmd: spec', async () => {
    const clf = await loadClassifier(`cmd:${script('good.mjs')}`, { labels: 'negative,neutral,positive' });
    open.push(clf);
    expect(await clf.classify(['love it'])).toEqual([predict('love it')]);
  });

  it('restarts a crashed process and retries the batch once', async () => {
    const starts = join(dir, 'starts.txt');
    const clf = await start(script('crash-after.mjs', '1', starts), { batchSize: 2 });
    const input = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    // first process: handshake + batch 1, dies on batch 2; each restart serves one batch and dies on the next
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('gives up when the process crashes again after the restart', async () => {
    const clf = await start(script('crash-after.mjs', '0'));
    const error = await clf.classify(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(
      /exited with code 3.*crashing after 0 batches.*after one restart/s,
    );
  });

  it('reports a process that exits at start-up with its code and stderr', async () => {
    const error = await start(script('exit-nonzero.mjs')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(
      /exited with code 2; its stderr ended with:\nfatal: cannot open weights.bin/,
    );
  });

  it('reports a program that does not exist', async () => {
    await expect(start('/nonexistent/tailcheck-model --serve')).rejects.toThrow(
      /could not be started \(ENOENT\)/,
    );
  });

  it('names the stdout line that is not JSON', async () => {
    const clf = await start(script('garbage.mjs'));
    await expect(clf.classify(['a'])).rejects.toThrow(
      /stdout line 2 is not JSON: "Running inference on batch..."/,
    );
  });

  it('kills a process that does not answer in time', async () => {
    const clf = await start(script('hang.mjs'), { timeoutMs: 300 });
    await expect(clf.classify(['a'])).rejects.toThrow(/did not answer within 300 ms; it was stopped/);
  });

  it('rejects a wrong number of predictions, unknown labels and reported errors', async () => {
    const count = await start(script('bad-answers.mjs', 'count'));
    await expect(count.classify(['a', 'b'])).rejects.toThrow(/returned 1 predictions for 2 texts/);
    const label = await start(script('bad-answers.mjs', 'label'));
    await expect(label.classify(['a'])).rejects.toThrow(
      /prediction 1 of 1 \(for the text "a"\): unknown label "sarcastic"/,
    );
    const failed = await start(script('bad-answers.mjs', 'error'));
    await expect(failed.classify(['a'])).rejects.toThrow(/reported an error: CUDA out of memory/);
  });

  it('echoes an id per request, and accepts answers without ids from older scripts', async () => {
    const clf = await start(script('good.mjs'), { batchSize: 2 });
    const legacy = await start(script('legacy.mjs'), { batchSize: 2 });
    const input = ['great app', 'awful fees', 'where is my card'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    expect(await legacy.classify(input)).toEqual(input.map(predict));
  });

  // Issue 10 (1): one duplicated answer shifted every later prediction onto another text, exit 0.
  it.each([['with ids'], ['no-id']])(
    'stops at a stdout line that arrives with no request pending (%s)',
    async (ids) => {
      const clf = await start(script('protocol.mjs', 'duplicate', '1', ids), { batchSize: 2 });
      const error = await clf.classify(['a', 'b', 'c', 'd', 'e']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as Error).message).toMatch(/stdout line 3 arrived while no request was pending/);
    },
  );

  it('stops at an extra line after the last answer when the classifier is closed', async () => {
    const clf = await createCommandClassifier(script('protocol.mjs', 'duplicate', '1'));
    expect(await clf.classify(['a'])).toEqual([predict('a')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(clf.close?.()).rejects.toThrow(/arrived while no request was pending/);
  });

  it('stops at an answer whose id is not the pending request', async () => {
    const wrong = await start(script('protocol.mjs', 'wrong-id', '2'), { batchSize: 1 });
    await expect(wrong.classify(['a', 'b'])).rejects.toThrow(
      /answers request id 4, but request 3 is the one pending/,
    );
    const dropped = await start(script('protocol.mjs', 'drop-id', '2'), { batchSize: 1 });
    await expect(dropped.classify(['a', 'b'])).rejects.toThrow(/has no "id", unlike the earlier answers/);
  });

  // Issue 10 (17): a crash mid-line read as "stdout line N is not JSON".
  it('says the process died in the middle of an answer line, with its exit code and stderr', async () => {
    const clf = await start(script('protocol.mjs', 'mid-line'));
    const error = await clf.classify(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(
      /died in the middle of an answer line \(stdout ended with "\{\\"id\\":3,\\"predictions" and no newline\): it exited with code 7; its stderr ended with:\nsegfault in tokenizer \(after one restart\)/,
    );
  });

  it('says the process died, and the signal that killed it', async () => {
    const clf = await start(script('protocol.mjs', 'killed'));
    await expect(clf.classify(['a'])).rejects.toThrow(/died: it was killed by SIGKILL \(after one restart\)/);
  });

  it('fingerprints the command, the script content and the labels', async () => {
    const a = await start(script('good.mjs'));
    const b = await start(script('good.mjs'), { labels: LABELS });
    const c = await start(script('good.mjs'), { labels: [...LABELS].reverse() });
    const d = await start(script('good.mjs'), { modelVersion: '2' });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(new Set([a.fingerprint, c.fingerprint, d.fingerprint]).size).toBe(3);
  });

  it('closes the process on close()', async () => {
    const clf = await createCommandClassifier(script('good.mjs'));
    await clf.classify(['x']);
    await clf.close?.();
    // a closed classifier starts a fresh process when used again
    expect(await clf.classify(['love'])).toEqual([predict('love')]);
    await clf.close?.();
  });
});

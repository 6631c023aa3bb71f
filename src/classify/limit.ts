/** Concurrency and batching helpers shared by the backends and the prediction runner. */
/** At most `limit` calls of the returned wrapper run at once; the rest wait in FIFO order. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new RangeError(`concurrency must be an integer ≥ 1, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next();
    }
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * `promise`, or the error `onTimeout()` builds when it has not settled within `ms` (the work itself
 * goes on unless the caller stops it; the timer never keeps the process alive after settling).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A backend's classify(): texts that fit one request go out as one call (the prediction runner's
 * case — it already sends batches of batchSize), more are split into batches of `batchSize`, sent one
 * after another, or all at once when `parallel` (the backend then limits what is in flight). The
 * split stays for callers without the runner in front: library users calling classify() directly.
 */
export async function classifyInBatches<P>(
  texts: readonly string[],
  batchSize: number,
  classifyBatch: (texts: string[]) => Promise<P[]>,
  parallel = false,
): Promise<P[]> {
  if (texts.length === 0) return [];
  if (texts.length <= batchSize) return classifyBatch([...texts]);
  const batches = chunk(texts, batchSize);
  if (parallel) return (await Promise.all(batches.map(classifyBatch))).flat();
  const out: P[] = [];
  for (const batch of batches) out.push(...(await classifyBatch(batch)));
  return out;
}

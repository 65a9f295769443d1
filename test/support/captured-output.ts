import { vi } from 'vitest';

/** Runs `work` with this process's stdout and stderr captured; the JSON lines written meanwhile, parsed. */
export const capturingOutput = async <T>(
  work: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> => {
  let text = '';
  const capture = (chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation(capture),
  );
  try {
    const result = await work();
    return {
      result,
      lines: text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
};

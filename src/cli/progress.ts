import cliProgress from 'cli-progress';

export interface Progress {
  tick(detail?: string): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; on a pipe or CI log, a line every 10% so long work still
 * shows it is moving.
 */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% | {detail}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return { tick: (detail = '') => bar.increment(1, { detail }), stop: () => bar.stop() };
  }
  let done = 0;
  let lastDecile = 0;
  return {
    tick() {
      done++;
      const decile = Math.floor((done * 10) / Math.max(total, 1));
      if (decile > lastDecile || done === total) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}

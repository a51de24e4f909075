// A progress bar on stderr, drawn only when stderr is a terminal (never into a pipe or a log file).

export function renderProgressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}

export interface Progress {
  /** More work found: the total grows while the organisation is still being listed. */
  add(count: number): void;
  advance(): void;
  finish(): void;
}

const REDRAW_INTERVAL_MS = 100;

export function progressOnTerminal(stream: NodeJS.WriteStream, label: string): Progress {
  if (!stream.isTTY) return { add() {}, advance() {}, finish() {} };
  let done = 0;
  let total = 0;
  let drawnAt = 0;
  const draw = () => {
    drawnAt = Date.now();
    stream.write(`\r${label} ${renderProgressBar(done, total)}`);
  };
  return {
    add(count) {
      total += count;
    },
    advance() {
      done += 1;
      if (done === total || Date.now() - drawnAt >= REDRAW_INTERVAL_MS) draw();
    },
    finish() {
      stream.write("\r\x1b[K");
    },
  };
}

// `berth get tasks -a | head -1`: the reader closes the pipe while berth is still writing, and
// the next write fails with EPIPE. Like other command-line tools, berth then ends quietly — the
// reader asked for no more — instead of printing Node's stack trace of an unhandled 'error'.
// It exits 0: the reader stopping early is not berth failing, and `set -o pipefail` scripts
// piping into head keep working.

export function exitQuietlyOnBrokenPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    exit(0);
  });
}

/**
 * `cadagent tools --json | head` or `cadagent "…" 2>&1 | head` closes the pipe under us. A
 * closed pipe is the reader saying "enough", not a failure: further output to that stream is
 * dropped and the command carries on (a design still writes its report), with no stack trace.
 */
export function quietOnClosedPipes(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
      // Writes after the reader left would raise again; there is nobody left to tell.
      stream.write = () => true;
    });
  }
}

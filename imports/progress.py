"""Progress of a long import on the command line: a bar on a terminal, a few plain lines when piped."""

from tqdm import tqdm


class CommandProgress:
    def __init__(self, stream):
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.stage: str | None = None
        self.bar = None
        self.next_line = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.next_line = 0
            if self.tty:
                self.bar = tqdm(total=total, desc=stage, unit=" rows", file=self.stream, leave=True)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif done >= self.next_line or done == total:
            # A log or a pipe gets a line a quarter, not a redrawn bar.
            self.stream.write(f"{stage}: {done:,} of {total:,} rows\n")
            self.stream.flush()
            self.next_line = done + max(total // 4, 1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

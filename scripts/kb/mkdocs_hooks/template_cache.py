"""Theme templates compiled once, not once per build.

MkDocs builds a new Jinja environment for every build, so Material's templates were compiled
again each time: about 0.5 s of a warm 1.3 s build of the real site, and of every `mkdocs serve`
rebuild (cProfile). Jinja's own bytecode cache keeps the compiled code in .cache/jinja/, keyed by
template name and source checksum, so an edited or upgraded template is compiled anew.
KB_BUILD_CACHE=off builds without it.
"""

from pathlib import Path

from jinja2 import FileSystemBytecodeCache

from kb.build_cache import enabled


class _ForgivingBytecodeCache(FileSystemBytecodeCache):
    """A cache folder deleted or unreadable mid-build is a miss, not a failed build."""

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket):
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def on_env(env, config, files):
    if enabled():
        folder = Path(config["config_file_path"]).parent / ".cache" / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = _ForgivingBytecodeCache(str(folder))
    return env

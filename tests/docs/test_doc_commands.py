#!/usr/bin/env python3
"""Runs every command of the four guides (docs/tutorial.md, embedding.md, integrator.md,
operations.md) and checks what each shows. Run by ctest (docs.commands, label docs).

A guide's commands are the `$ ` lines of its ```console blocks. Each runs with bash in a temporary
copy of the files it needs (the guide's `workdir`, default: the repository's examples/ under
examples/), with the built tools first on PATH, in the guide's order, so a command sees what the
ones before it wrote. The lines after a command, up to the next one, are its expected output
(stdout and stderr as a terminal interleaves them); a block that shows none checks only the exit
status. In expected output a line `...` stands for any number of lines, and `...` inside a line
for any text.

Markers are HTML comments, invisible on the rendered page, on the line(s) just before a block:
  <!-- doc-test: workdir PATH -->       (anywhere) copy repository PATH as the working directory
  <!-- doc-test: free-port N... -->     (anywhere) the port numbers N the page uses (3868, 8080)
                                        stand for free ports the test picks, so runs never collide
  <!-- doc-test: exit N -->             every command of the next block exits N (default 0)
  <!-- doc-test: file NAME -->          the next block is the whole of NAME: written into the
                                        working directory there; after the last command NAME
                                        must equal the repository's copy
  <!-- doc-test: excerpt PATH -->       the next block is a piece of repository file PATH
  <!-- doc-test: skip REASON -->        the next console block is not run (reported as skipped)
  <!-- doc-test: not run: REASON -->    the next block holds commands a test cannot run (apt, systemctl)
  <!-- doc-test: procedure NAME -->     the next block is run by another test (tests/docs/)
A command ending in `&` starts a server: the test waits until what it printed matches the lines
shown under it, lets it run, and stops it (SIGTERM to its process group) when the guide ends.
A block of shell commands (```sh, ```shell, ```bash) without a not-run or procedure marker is an
error, and so is a block without a language: every command of a guide is run or said not to be.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ARGS = None
GUIDES = ("docs/tutorial.md", "docs/embedding.md", "docs/integrator.md", "docs/operations.md")
SHELL_LANGUAGES = ("sh", "shell", "bash")
MARKER = re.compile(r"^<!-- doc-test: (workdir|free-port|exit|file|excerpt|skip|not run:|procedure) ?(.*?) ?-->$")


class Block:
    def __init__(self, language, body, markers, line):
        self.language, self.body, self.markers, self.line = language, body, markers, line

    def marker(self, kind):
        return self.markers.get(kind)


def parse_guide(text):
    """(settings, the fenced blocks in order, each with the markers just above it)."""
    blocks, markers, settings = [], {}, {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line.strip())
        if m:
            if m.group(1) in ("workdir", "free-port"):
                settings[m.group(1)] = m.group(2)
            else:
                markers[m.group(1).rstrip(":")] = m.group(2)
        elif line.startswith("```"):
            language = line[3:].strip()
            start = i
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Block(language, "\n".join(body) + "\n", markers, start + 1))
            markers = {}
        elif line.strip():
            markers = {}  # a marker belongs to the block right below it
        i += 1
    return settings, blocks


def console_commands(block):
    """(command, expected output lines) for each `$ ` line of a console block."""
    commands = []
    for line in block.body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    return commands


def output_matches(expected, actual):
    """Whether the actual lines match the expected ones, `...` eliding lines or text."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(output_matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in expected[0].split("..."))
    return re.fullmatch(pattern, actual[0]) is not None and output_matches(expected[1:], actual[1:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool_path():
    return os.pathsep.join([os.path.abspath(d) for d in ARGS.bin_dir] + [os.environ.get("PATH", "/usr/bin:/bin")])


def read(relative):
    with open(os.path.join(ARGS.source_dir, relative), encoding="utf-8") as f:
        return f.read()


class Guide:
    """Plays one guide in a temporary working directory."""

    def __init__(self, test, path):
        self.test, self.path = test, path
        settings, self.blocks = parse_guide(read(path))
        self.workdir_source = settings.get("workdir")
        self.ports = {n: str(free_port()) for n in settings.get("free-port", "").split()}
        self.servers = []
        self.dir = tempfile.mkdtemp(prefix="gyrate_docs_")
        if self.workdir_source:
            shutil.rmtree(self.dir)
            shutil.copytree(os.path.join(ARGS.source_dir, self.workdir_source), self.dir)
        else:
            shutil.copytree(os.path.join(ARGS.source_dir, "examples"), os.path.join(self.dir, "examples"))
        self.ran, self.skipped, self.written = 0, [], {}

    def close(self):
        for server, reader in self.servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)  # its own group: the server the page started
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
            reader.join(timeout=10)
            server.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def local(self, text):
        """The page's text with its port numbers replaced by this run's free ones."""
        for number, port in self.ports.items():
            text = re.sub(rf"\b{number}\b", port, text)
        return text

    def where(self, block):
        return f"{self.path}:{block.line}"

    def play(self):
        for block in self.blocks:
            if block.marker("file") is not None:
                self.write(block)
            elif block.marker("excerpt") is not None:
                self.check_excerpt(block)
            self.test.assertTrue(block.language, f"{self.where(block)}: a block without a language: say what "
                                 "it holds (console, sh, text, tariff, cpp, ...)")
            if block.language in SHELL_LANGUAGES:
                self.test.assertTrue(block.marker("not run") is not None or block.marker("procedure") is not None,
                                     f"{self.where(block)}: a ```{block.language} block is neither run nor "
                                     "marked `not run: WHY` (write it as ```console with `$ ` lines)")
            if block.language != "console":
                continue
            commands = console_commands(block)
            self.test.assertTrue(commands, f"{self.where(block)}: a console block without a `$ ` line")
            if block.marker("skip") is not None:
                self.skipped.append(f"{self.where(block)}: {block.marker('skip')}")
                continue
            if block.marker("not run") is not None or block.marker("procedure") is not None:
                continue
            status = int(block.marker("exit") or 0)
            for command, expected in commands:
                self.run(block, command, expected, status)
        self.check_files()

    def run(self, block, command, expected, status):
        command, expected = self.local(command), [self.local(line) for line in expected]
        env = dict(os.environ, PATH=tool_path(), LC_ALL="C.UTF-8", COLUMNS="100")
        self.ran += 1
        if command.rstrip().endswith("&"):
            return self.start_server(block, command, expected, env)
        r = subprocess.run(["bash", "-c", command], cwd=self.dir, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        shown = f"{self.where(block)}: $ {command}\n--- output:\n{r.stdout}"
        self.test.assertEqual(r.returncode, status, f"exit status {r.returncode}, not {status}\n{shown}")
        lines = r.stdout.splitlines()
        self.test.assertTrue(not expected or output_matches(expected, lines),
                             f"the output differs from the page's\n--- the page:\n" + "\n".join(expected)
                             + "\n" + shown)

    def start_server(self, block, command, expected, env):
        # `exec` so the group's leader is the server itself; the shell's `&` is the page's way
        # of saying "in the background", which the test does by not waiting.
        server = subprocess.Popen(["bash", "-c", "exec " + command.rstrip().rstrip("&")], cwd=self.dir, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
        reader.start()
        self.servers.append((server, reader))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            if output_matches(expected + ["..."], [line.rstrip("\n") for line in lines]):
                return
            time.sleep(0.1)
        self.test.fail(f"{self.where(block)}: $ {command}\nthe server did not print what the page shows "
                       f"(exit {server.poll()}):\n" + "".join(lines))

    def write(self, block):
        name = block.marker("file")
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.local(block.body))
        self.written[name] = block

    def check_files(self):
        # After the last command, a file the page wrote (and its commands edited) is the
        # repository's: a reader who followed the page has exactly the files the tests run.
        if self.skipped:
            return  # a skipped command may be what makes a file what the repository holds
        for name, block in self.written.items():
            source = os.path.join(self.workdir_source or "", name)
            if not self.workdir_source and not os.path.exists(os.path.join(ARGS.source_dir, source)):
                continue  # a file only the page has (a guide's small example)
            with open(os.path.join(self.dir, name), encoding="utf-8") as f:
                self.test.assertEqual(f.read(), self.local(read(source)),
                                      f"{self.where(block)}: following the page does not give {source}")

    def check_excerpt(self, block):
        path = block.marker("excerpt")
        self.test.assertTrue(block.body in read(path), f"{self.where(block)}: the block is not a piece of {path}")


class GuideCommands(unittest.TestCase):
    def play(self, path):
        guide = Guide(self, path)
        try:
            guide.play()
        finally:
            guide.close()
        for skipped in guide.skipped:
            print(f"\nSKIPPED (not run): {skipped}", file=sys.stderr)
        print(f"\n{path}: {guide.ran} commands run, {len(guide.skipped)} blocks skipped", file=sys.stderr)
        return guide

    def test_tutorial(self):
        self.assertGreaterEqual(self.play("docs/tutorial.md").ran, 6)

    def test_embedding(self):
        self.play("docs/embedding.md")

    def test_integrator(self):
        self.play("docs/integrator.md")

    def test_operations(self):
        self.play("docs/operations.md")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


class Links(unittest.TestCase):
    """Every relative link of the guides and the README leads to a file, and to a heading there."""

    def test_links_resolve(self):
        for page in GUIDES + ("README.md",):
            text = re.sub(r"^```.*?^```", "", read(page), flags=re.M | re.S)  # not inside code
            for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", text):
                if target.startswith(("http://", "https://", "mailto:")):
                    continue
                path = os.path.normpath(os.path.join(os.path.dirname(page), target)) if target else page
                with self.subTest(page=page, link=f"{target}#{anchor}"):
                    self.assertTrue(os.path.exists(os.path.join(ARGS.source_dir, path)), f"{page}: no {path}")
                    if anchor and path.endswith(".md"):
                        headings = re.findall(r"^#+ (.*)$", read(path), re.M)
                        self.assertIn(anchor, [slug(h) for h in headings], f"{page}: no heading #{anchor} in {path}")


class OcsSettings(unittest.TestCase):
    """docs/operations.md's configuration table has exactly the settings gyrate-ocs accepts."""

    def test_the_table_lists_every_setting(self):
        ocs = shutil.which("gyrate-ocs", path=tool_path())
        self.assertIsNotNone(ocs)
        usage = subprocess.run([ocs, "--help"], capture_output=True, text=True, timeout=60).stdout
        accepted = set(re.findall(r"^  --([a-z-]+) ", usage, re.M)) - {"config", "help"}
        self.assertGreaterEqual(len(accepted), 20)
        section = read("docs/operations.md").split("## Configuration", 1)[1].split("\n## ", 1)[0]
        documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))
        self.assertEqual(sorted(accepted - documented), [], "settings gyrate-ocs accepts, missing in the table")
        self.assertEqual(sorted(documented - accepted), [], "rows for settings gyrate-ocs does not accept")


class Matching(unittest.TestCase):
    """The elision rules themselves: a test whose matcher accepted anything would prove nothing."""

    def test_elisions(self):
        self.assertTrue(output_matches(["a", "...", "d"], ["a", "b", "c", "d"]))
        self.assertTrue(output_matches(["a", "...", "b"], ["a", "b"]))
        self.assertTrue(output_matches(["x ... z"], ["x y y z"]))
        self.assertFalse(output_matches(["a", "d"], ["a", "b", "d"]))
        self.assertFalse(output_matches(["a"], ["a", "b"]))
        self.assertFalse(output_matches(["x ... z"], ["x y"]))

    def test_markers_attach_to_the_next_block_only(self):
        _, blocks = parse_guide("<!-- doc-test: exit 1 -->\n```console\n$ false\n```\n\ntext\n"
                                "```console\n$ true\n```\n<!-- doc-test: not run: apt -->\n```sh\napt x\n```\n")
        self.assertEqual([b.marker("exit") for b in blocks], ["1", None, None])
        self.assertEqual(blocks[2].marker("not run"), "apt")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", action="append", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)

#!/usr/bin/python3
"""Checks the promises of deploy/docker/Dockerfile that hold without a Docker daemon.

  dockerfile_test.py DOCKERFILE PI_SERVER_BINARY PI_GATEWAY_BINARY

- two stages on Debian 12; the build stage runs the README's scripts (install-deps, build);
- the runtime stage installs exactly the Debian packages owning the shared libraries `ldd` lists
  for the two binaries as built here (same Debian 12 packages as in the image), no -dev package;
- it copies the two binaries out of the build stage and nothing from the source tree but data;
- it ends as a numeric non-root user.
Run by ctest (label deploy) with Debian's /usr/bin/python3.
"""
import os
import re
import shlex
import subprocess
import sys
import unittest

DOCKERFILE, SERVER_BINARY, GATEWAY_BINARY = sys.argv[1:4]
del sys.argv[1:4]


def parse_stages(path):
    """[(stage name, base image, [(INSTRUCTION, argument text)])], continuation lines joined."""
    with open(path) as f:
        text = f.read()
    text = re.sub(r"\\\n", " ", text)
    args = {}
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        rest = re.sub(r"\s+", " ", rest).strip()
        if instruction == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif instruction == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), ""), words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else ""
            stages.append((name, image, []))
        elif stages:
            stages[-1][2].append((instruction, rest))
    return stages


def apt_installed_packages(instructions):
    packages = []
    for instruction, rest in instructions:
        if instruction != "RUN":
            continue
        for command in re.split(r"&&|;", rest):
            words = shlex.split(command)
            while words and "=" in words[0]:  # VAR=value prefixes
                words.pop(0)
            if words[:2] == ["apt-get", "install"]:
                packages += [w for w in words[2:] if not w.startswith("-")]
    return packages


def merged_usr_aliases(library):
    """The names dpkg may record for `library`: as given, resolved, and across the merged-/usr
    aliases (dpkg records /lib/... for files that live in /usr/lib/...)."""
    names = [library, os.path.realpath(library)]
    for path in list(names):
        if path.startswith("/usr/lib/"):
            names.append(path[len("/usr"):])
        elif path.startswith("/lib/"):
            names.append("/usr" + path)
    return names


def needed_packages(*binaries):
    """The Debian packages owning the libraries `ldd` lists for `binaries` (one dpkg call: it
    takes a second per call)."""
    libraries = set()
    for binary in binaries:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        if "not found" in out:
            raise AssertionError(f"ldd {binary}: a library is missing on this machine:\n{out}")
        for line in out.splitlines():
            match = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)\s", line)
            if match:
                libraries.add(match.group(1))
    aliases = {alias: library for library in libraries for alias in merged_usr_aliases(library)}
    # Exits 1 when some alias is unknown, which is expected: only the found lines matter.
    out = subprocess.run(["dpkg", "-S", *aliases], capture_output=True, text=True).stdout
    owners = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path in aliases:
            owners[aliases[path]] = package.split(":")[0]
    unowned = libraries - owners.keys()
    if unowned:
        raise AssertionError(
            f"no Debian package owns {sorted(unowned)}: the image cannot install them")
    return set(owners.values())


class DockerfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stages = parse_stages(DOCKERFILE)
        cls.build = cls.stages[0][2]
        cls.runtime = cls.stages[-1][2]

    def test_two_stages_on_debian_12(self):
        self.assertGreaterEqual(len(self.stages), 2)
        for name, image, _ in self.stages:
            self.assertRegex(image, r"^debian:(12|bookworm)(-slim)?$", f"stage {name}")
        self.assertEqual(self.stages[0][0], "build")
        self.assertEqual(self.stages[-1][0], "runtime")

    def test_build_stage_runs_the_readme_scripts(self):
        runs = " ".join(rest for instruction, rest in self.build if instruction == "RUN")
        self.assertIn("scripts/install-deps.sh", runs)
        self.assertRegex(runs, r"scripts/build\.sh pi-server pi-gateway")

    def test_runtime_packages_are_exactly_what_the_binaries_load(self):
        installed = apt_installed_packages(self.runtime)
        self.assertEqual(len(installed), len(set(installed)), "a package is listed twice")
        needed = needed_packages(SERVER_BINARY, GATEWAY_BINARY)
        self.assertEqual(
            set(), needed - set(installed), "libraries the binaries load but the image lacks")
        self.assertEqual(
            set(), set(installed) - needed, "packages the image installs that no binary loads")
        self.assertFalse([p for p in installed if p.endswith("-dev")])

    def test_runtime_copies_binaries_and_data_only_from_the_build_stage(self):
        copies = [rest.split() for instruction, rest in self.runtime
                  if instruction in ("COPY", "ADD")]
        self.assertTrue(copies)
        destinations = {}
        for words in copies:
            self.assertEqual(words[0], "--from=build", f"COPY {' '.join(words)}")
            for source in words[1:-1]:
                destinations[source] = words[-1]
        binaries = [s for s in destinations if os.path.basename(s) in ("pi-server", "pi-gateway")]
        self.assertEqual(len(binaries), 2, destinations)
        for source, destination in destinations.items():
            if source in binaries:
                self.assertEqual(destination, "/usr/local/bin/")
            else:  # data from the source tree: migrations and the BIN table only
                self.assertRegex(source, r"^/src/(db/migrations/|services/instruments/data/)")

    def test_runs_as_a_numeric_non_root_user(self):
        users = [rest for instruction, rest in self.runtime if instruction == "USER"]
        self.assertTrue(users, "the runtime stage sets no USER")
        uid, _, gid = users[-1].partition(":")
        self.assertTrue(uid.isdigit() and int(uid) > 0, users[-1])
        self.assertTrue(gid == "" or (gid.isdigit() and int(gid) > 0), users[-1])

    def test_runtime_writes_nowhere(self):
        # No VOLUME (a read-only root filesystem gets its writable paths from the pod spec) and
        # no setting that makes a binary write a file.
        self.assertFalse([r for i, r in self.runtime if i == "VOLUME"])
        env = " ".join(r for i, r in self.runtime if i == "ENV")
        self.assertNotRegex(env, r"PI_\w*PORT_FILE")


if __name__ == "__main__":
    unittest.main(verbosity=2)

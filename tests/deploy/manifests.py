#!/usr/bin/python3
"""Reads the Kubernetes manifests as the cluster would get them, for the deploy tests.

As a module: render(overlay) runs `kubectl kustomize` and returns the documents; Workloads
resolves what each container of a Deployment or Job is given (command, environment with the
ConfigMaps expanded, Secret references, mounts, ports, probes).

As a command, for tests/deploy/deploy_env_test.cc:
  manifests.py runtime OVERLAY_DIR DOCKERFILE
prints one JSON object: {"workloads": {<workload>: {...}}, "image_files": {<path in the image>:
<path in the repository>}} (see Workloads.runtime and image_files). Exits 77 when kubectl is
missing, which the callers treat as a skip.

Uses Debian's /usr/bin/python3 with python3-yaml.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

SKIP = 77


def kubectl():
    """The kubectl binary, or None. Not packaged for Debian 12: the tests skip without it."""
    return shutil.which("kubectl") or (os.path.exists("/usr/bin/kubectl") and "/usr/bin/kubectl")


def render(overlay):
    binary = kubectl()
    if not binary:
        raise FileNotFoundError("kubectl is not installed")
    out = subprocess.run([binary, "kustomize", overlay], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {overlay} failed:\n{out.stderr}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def find(docs, kind, name=None):
    return [d for d in docs
            if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]


def one(docs, kind, name):
    found = find(docs, kind, name)
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {name}, found {len(found)}")
    return found[0]


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def port_of(address):
    """The port of a host:port setting."""
    return int(address.rsplit(":", 1)[1])


class Workloads:
    """The containers of the Deployments, StatefulSets and Jobs of one rendered overlay."""

    def __init__(self, docs):
        self.docs = docs
        self.config_maps = {d["metadata"]["name"]: d.get("data", {})
                            for d in find(docs, "ConfigMap")}

    def all(self):
        return [d for d in self.docs if d["kind"] in ("Deployment", "StatefulSet", "Job")]

    def environment(self, container):
        """(plain {name: value}, secret {name: {"secret": s, "key": k}}): envFrom ConfigMaps
        first, then env entries, as the kubelet builds it."""
        plain, secret = {}, {}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                name = source["configMapRef"]["name"]
                if name not in self.config_maps:
                    raise AssertionError(f"envFrom names a missing ConfigMap {name}")
                plain.update(self.config_maps[name])
            elif "secretRef" in source:
                name = source["secretRef"]["name"]  # every key of the Secret
                secret[name + "/*"] = {"secret": name, "key": "*"}
        for entry in container.get("env", []):
            name = entry["name"]
            plain.pop(name, None)
            secret.pop(name, None)
            if "value" in entry:
                plain[name] = entry["value"]
            elif "secretKeyRef" in entry.get("valueFrom", {}):
                ref = entry["valueFrom"]["secretKeyRef"]
                secret[name] = {"secret": ref["name"], "key": ref["key"]}
            elif "configMapKeyRef" in entry.get("valueFrom", {}):
                ref = entry["valueFrom"]["configMapKeyRef"]
                plain[name] = self.config_maps[ref["name"]][ref["key"]]
            else:
                raise AssertionError(f"env {name}: unsupported source {entry}")
        return plain, secret

    def secret_mounts(self, workload, container):
        """[{"path": mount path, "secret": name, "items": {key: relative path} or None}]"""
        volumes = {v["name"]: v for v in pod_spec(workload).get("volumes", [])}
        mounts = []
        for mount in container.get("volumeMounts", []):
            volume = volumes.get(mount["name"], {})  # absent: a StatefulSet's claim template
            if "secret" in volume:
                items = volume["secret"].get("items")
                mounts.append({
                    "path": mount["mountPath"],
                    "secret": volume["secret"]["secretName"],
                    "read_only": bool(mount.get("readOnly")),
                    "items": {i["key"]: i["path"] for i in items} if items else None,
                })
        return mounts

    def runtime(self, workload):
        """What the kubelet gives the first container of `workload`."""
        container = pod_spec(workload)["containers"][0]
        plain, secret = self.environment(container)
        return {
            "kind": workload["kind"],
            "command": container.get("command", []) + container.get("args", []),
            "env": plain,
            "secret_env": secret,
            "secret_mounts": self.secret_mounts(workload, container),
            "ports": {p["name"]: p["containerPort"] for p in container.get("ports", [])},
            "probes": {k: container[k] for k in ("startupProbe", "livenessProbe", "readinessProbe")
                       if k in container},
            "termination_grace_seconds":
                pod_spec(workload).get("terminationGracePeriodSeconds", 30),
        }


def image_files(dockerfile):
    """{destination in the runtime image: source path in the repository} for the runtime stage's
    COPY --from=build lines whose source comes from the copied source tree (/src)."""
    with open(dockerfile) as f:
        text = re.sub(r"\\\n", " ", f.read())
    stages = re.split(r"(?m)^FROM ", text)
    files = {}
    for line in stages[-1].splitlines():
        words = line.split()
        if len(words) >= 4 and words[0] == "COPY" and words[1] == "--from=build":
            for source in words[2:-1]:
                if source.startswith("/src/"):
                    destination = words[-1]
                    if destination.endswith("/") and not source.endswith("/"):
                        destination += os.path.basename(source)
                    files[destination] = source[len("/src/"):]
    return files


def main(argv):
    if len(argv) != 4 or argv[1] != "runtime":
        print(__doc__, file=sys.stderr)
        return 2
    overlay, dockerfile = argv[2], argv[3]
    if not kubectl():
        print("kubectl is not installed (not packaged for Debian 12): skipped", file=sys.stderr)
        return SKIP
    workloads = Workloads(render(overlay))
    print(json.dumps({
        "workloads": {w["metadata"]["name"]: workloads.runtime(w) for w in workloads.all()},
        "image_files": image_files(dockerfile),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

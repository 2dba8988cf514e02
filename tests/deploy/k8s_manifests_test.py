#!/usr/bin/python3
"""Renders one overlay of deploy/k8s with `kubectl kustomize` and checks what the cluster gets.

  k8s_manifests_test.py OVERLAY_DIR (dev|prod)

Probes, the restricted security context, resources, disruption budgets, autoscalers and the
network policies are there, and they agree with each other and with the binaries' settings: the
ports the settings bind are the ports containers, probes, Services, policies and the gateway's
target name; the termination timing covers the drain and the grace periods; the policies allow
exactly the intended traffic (evaluated, not pattern-matched). That the binaries accept these
settings is tests/deploy/deploy_env_test.cc's job.

Exits 77 (ctest: skipped) when kubectl is missing; it is not packaged for Debian 12.
"""
import base64
import os
import re
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import manifests  # noqa: E402
import network_policy  # noqa: E402

OVERLAY, FLAVOUR = sys.argv[1], sys.argv[2]
del sys.argv[1:3]

API_SERVICE = "payments.instruments.v1.PaymentInstrumentService"
OUR_WORKLOADS = ("pi-server", "pi-gateway", "pi-server-migrate")


def seconds(duration):
    """A Go/absl duration such as 500ms, 5s, 1m, 1h30m, in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a duration: {duration}")
    return sum(float(n) * units[u] for n, u in parts)


def quantity(value):
    """A Kubernetes quantity (250m, 1, 512Mi, 1Gi) as a number."""
    value = str(value)
    suffixes = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    for suffix, factor in suffixes.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def sleep_seconds(container):
    """The preStop sleep of a container (exec /bin/sleep N), 0 without one."""
    hook = container.get("lifecycle", {}).get("preStop")
    if not hook:
        return 0
    command = hook["exec"]["command"]
    assert command[0] == "/bin/sleep" and len(command) == 2, command
    return float(command[1])


class ManifestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = manifests.render(OVERLAY)
        cls.workloads = manifests.Workloads(cls.docs)
        cls.server = manifests.one(cls.docs, "Deployment", "pi-server")
        cls.gateway = manifests.one(cls.docs, "Deployment", "pi-gateway")
        cls.job = manifests.one(cls.docs, "Job", "pi-server-migrate")
        cls.server_env, cls.server_secrets = cls.workloads.environment(cls.container(cls.server))
        cls.gateway_env, _ = cls.workloads.environment(cls.container(cls.gateway))
        namespaces = manifests.find(cls.docs, "Namespace")
        cls.namespace = namespaces[0]["metadata"]["name"] if namespaces else ""

    @staticmethod
    def container(workload):
        return manifests.pod_spec(workload)["containers"][0]

    def ports(self, workload):
        return {p["name"]: p["containerPort"] for p in self.container(workload)["ports"]}

    # --- namespace -------------------------------------------------------------------------

    def test_namespace_enforces_the_restricted_pod_security_profile(self):
        namespace = manifests.one(self.docs, "Namespace", self.namespace)
        labels = namespace["metadata"]["labels"]
        self.assertEqual(labels.get("pod-security.kubernetes.io/enforce"), "restricted")
        for doc in self.docs:
            if doc["kind"] != "Namespace":
                self.assertEqual(doc["metadata"].get("namespace"), self.namespace, doc["metadata"])

    # --- every pod: security context, resources ---------------------------------------------

    def test_every_pod_runs_with_the_restricted_security_context(self):
        for workload in self.workloads.all():
            name = workload["metadata"]["name"]
            pod = manifests.pod_spec(workload)
            pod_context = pod.get("securityContext", {})
            self.assertTrue(pod_context.get("runAsNonRoot"), name)
            self.assertGreater(pod_context.get("runAsUser", 0), 0, name)
            self.assertEqual(pod_context.get("seccompProfile", {}).get("type"), "RuntimeDefault",
                             name)
            self.assertFalse(pod.get("automountServiceAccountToken", True), name)
            self.assertFalse(pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"),
                             name)
            for container in pod["containers"] + pod.get("initContainers", []):
                context = container.get("securityContext", {})
                where = f"{name}/{container['name']}"
                self.assertIs(context.get("allowPrivilegeEscalation"), False, where)
                self.assertIs(context.get("readOnlyRootFilesystem"), True, where)
                self.assertIs(context.get("runAsNonRoot", pod_context.get("runAsNonRoot")), True,
                              where)
                self.assertEqual(context.get("capabilities", {}).get("drop"), ["ALL"], where)
                self.assertFalse(context.get("capabilities", {}).get("add"), where)
                self.assertFalse(context.get("privileged"), where)
                self.assertEqual(context.get("seccompProfile", {}).get("type", "RuntimeDefault"),
                                 "RuntimeDefault", where)

    def test_every_container_has_requests_and_limits(self):
        for workload in self.workloads.all():
            for container in manifests.pod_spec(workload)["containers"]:
                where = f"{workload['metadata']['name']}/{container['name']}"
                resources = container.get("resources", {})
                for resource in ("cpu", "memory"):
                    request = resources.get("requests", {}).get(resource)
                    limit = resources.get("limits", {}).get(resource)
                    self.assertIsNotNone(request, f"{where}: no {resource} request")
                    self.assertIsNotNone(limit, f"{where}: no {resource} limit")
                    self.assertLessEqual(quantity(request), quantity(limit), where)

    def test_our_pods_get_no_service_link_variables(self):
        # Kubernetes would add PI_SERVER_SERVICE_HOST, PI_GATEWAY_PORT, ...: the binaries'
        # settings are PI_ variables too.
        for name in OUR_WORKLOADS:
            workload = next(w for w in self.workloads.all() if w["metadata"]["name"] == name)
            self.assertIs(manifests.pod_spec(workload).get("enableServiceLinks"), False, name)

    def test_one_image_for_our_workloads(self):
        images = {self.container(w)["image"] for w in self.workloads.all()
                  if w["metadata"]["name"] in OUR_WORKLOADS}
        self.assertEqual(len(images), 1, images)
        self.assertRegex(images.pop(), r"pi-vault:[\w.-]+$")

    # --- pi-server ---------------------------------------------------------------------------

    def test_server_listens_where_its_container_ports_and_probes_say(self):
        ports = self.ports(self.server)
        self.assertEqual(manifests.port_of(self.server_env["PI_GRPC_ADDRESS"]), ports["grpc"])
        self.assertEqual(manifests.port_of(self.server_env["PI_HEALTH_ADDRESS"]), ports["health"])
        self.assertEqual(manifests.port_of(self.server_env["PI_METRICS_ADDRESS"]), ports["metrics"])
        self.assertEqual(len(set(ports.values())), len(ports), ports)
        self.assertEqual(self.container(self.server)["command"][:2],
                         ["/usr/local/bin/pi-server", "serve"])

    def test_server_probes_use_the_plaintext_health_port(self):
        container = self.container(self.server)
        health = self.ports(self.server)["health"]
        # Liveness (and startup) must not follow the database: the "liveness" health service.
        for probe in ("startupProbe", "livenessProbe"):
            self.assertEqual(container[probe]["grpc"], {"port": health, "service": "liveness"},
                             probe)
        readiness = container["readinessProbe"]["grpc"]
        self.assertEqual(readiness["port"], health)
        self.assertIn(readiness.get("service", ""), ("", API_SERVICE))

    def test_server_secrets_come_from_secrets(self):
        self.assertNotIn("PI_DATABASE_URL", self.server_env)
        self.assertEqual(self.server_secrets["PI_DATABASE_URL"]["key"], "url")
        self.assertTrue(
            self.server_secrets["PI_DATABASE_URL"]["secret"].startswith("pi-server-database"))
        key_file = self.server_env["PI_KEY_FILE"]
        mounts = self.workloads.secret_mounts(self.server, self.container(self.server))
        holding = [m for m in mounts if key_file.startswith(m["path"].rstrip("/") + "/")]
        self.assertEqual(len(holding), 1, f"PI_KEY_FILE {key_file} is not in a Secret volume")
        mount = holding[0]
        self.assertTrue(mount["read_only"])
        self.assertEqual(mount["secret"], "pi-server-keys")
        relative = key_file[len(mount["path"].rstrip("/")) + 1:]
        self.assertIn(relative, (mount["items"] or {}).values())
        volume = next(v for v in manifests.pod_spec(self.server)["volumes"] if v.get("secret"))
        self.assertEqual(volume["secret"].get("defaultMode", 0o644) & 0o007, 0,
                         "the key file is readable by others")
        # No setting in a ConfigMap looks like a secret.
        for name in self.server_env:
            self.assertNotRegex(name, r"PASSWORD|SECRET|DATABASE_URL")

    def test_server_termination_covers_drain_and_grace(self):
        container = self.container(self.server)
        grace = manifests.pod_spec(self.server)["terminationGracePeriodSeconds"]
        needed = (sleep_seconds(container) + seconds(self.server_env["PI_DRAIN_DELAY"])
                  + seconds(self.server_env["PI_SHUTDOWN_GRACE"]))
        self.assertGreater(sleep_seconds(container), 0, "no preStop delay")
        self.assertGreater(grace, needed)
        # What the gateway started before the server's shutdown can finish within its grace.
        self.assertGreaterEqual(seconds(self.server_env["PI_SHUTDOWN_GRACE"]),
                                seconds(self.gateway_env["PI_RPC_DEADLINE"]))

    def test_server_has_two_or_more_replicas_and_rolls_without_losing_capacity(self):
        self.assertGreaterEqual(self.server["spec"]["replicas"], 2)
        self.assertEqual(self.server["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0)

    # --- pi-gateway --------------------------------------------------------------------------

    def test_gateway_listens_where_its_container_ports_and_probes_say(self):
        ports = self.ports(self.gateway)
        self.assertEqual(manifests.port_of(self.gateway_env["PI_HTTP_ADDRESS"]), ports["http"])
        self.assertEqual(manifests.port_of(self.gateway_env["PI_METRICS_ADDRESS"]),
                         ports["metrics"])
        container = self.container(self.gateway)
        self.assertEqual(container["command"], ["/usr/local/bin/pi-gateway"])
        for probe in ("readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            self.assertEqual(get["path"], "/healthz", probe)
            self.assertEqual(ports.get(get["port"], get["port"]), ports["http"], probe)

    def test_gateway_targets_the_server_service_grpc_port(self):
        target = self.gateway_env["PI_GRPC_TARGET"]
        self.assertTrue(target.startswith("dns:///"), "gRPC's DNS resolver finds every pod")
        host, port = target.removeprefix("dns:///").rsplit(":", 1)
        service = manifests.one(self.docs, "Service", host)
        service_port = next(p for p in service["spec"]["ports"] if p["port"] == int(port))
        self.assertEqual(self.resolve_target_port(service_port, self.server),
                         self.ports(self.server)["grpc"])
        self.assertTrue(network_policy.labels_match(
            {"matchLabels": service["spec"]["selector"]},
            self.server["spec"]["template"]["metadata"]["labels"]))

    def test_gateway_balances_over_every_server_pod(self):
        host = self.gateway_env["PI_GRPC_TARGET"].removeprefix("dns:///").rsplit(":", 1)[0]
        service = manifests.one(self.docs, "Service", host)
        self.assertEqual(service["spec"].get("clusterIP"), "None", "not a headless Service")
        self.assertEqual(self.gateway_env["PI_GRPC_LB_POLICY"], "round_robin")

    def test_gateway_termination_covers_the_grace(self):
        container = self.container(self.gateway)
        grace = manifests.pod_spec(self.gateway)["terminationGracePeriodSeconds"]
        shutdown = seconds(self.gateway_env["PI_SHUTDOWN_GRACE"])
        self.assertGreater(sleep_seconds(container), 0, "no preStop delay")
        self.assertGreater(grace, sleep_seconds(container) + shutdown)
        self.assertGreaterEqual(shutdown, seconds(self.gateway_env["PI_RPC_DEADLINE"]))

    def test_gateway_has_two_or_more_replicas(self):
        self.assertGreaterEqual(self.gateway["spec"]["replicas"], 2)

    # --- metrics -------------------------------------------------------------------------------

    def test_prometheus_scrapes_the_metrics_ports(self):
        for workload in (self.server, self.gateway):
            annotations = workload["spec"]["template"]["metadata"]["annotations"]
            self.assertEqual(annotations["prometheus.io/scrape"], "true")
            self.assertEqual(annotations["prometheus.io/path"], "/metrics")
            self.assertEqual(int(annotations["prometheus.io/port"]),
                             self.ports(workload)["metrics"])

    # --- migration Job ---------------------------------------------------------------------

    def test_migration_job_runs_migrate_with_the_database_secret(self):
        container = self.container(self.job)
        command = container["command"] + container.get("args", [])
        self.assertEqual(command[:2], ["/usr/local/bin/pi-server", "migrate"])
        _, secrets = self.workloads.environment(container)
        self.assertTrue(secrets["PI_DATABASE_URL"]["secret"].startswith("pi-server-database"))
        self.assertIn(manifests.pod_spec(self.job)["restartPolicy"], ("Never", "OnFailure"))
        # The Job's pods must not look like pi-server's: Services and budgets would count them.
        job_labels = self.job["spec"]["template"]["metadata"]["labels"]
        selecting = (manifests.find(self.docs, "Service")
                     + manifests.find(self.docs, "PodDisruptionBudget"))
        for doc in selecting:
            selector = doc["spec"]["selector"]
            selector = selector if "matchLabels" in selector else {"matchLabels": selector}
            self.assertFalse(network_policy.labels_match(selector, job_labels),
                             doc["metadata"]["name"])

    # --- Services, budgets, autoscalers ----------------------------------------------------

    def resolve_target_port(self, service_port, workload):
        target = service_port.get("targetPort", service_port["port"])
        return self.ports(workload).get(target) if isinstance(target, str) else target

    def test_services_select_their_pods_and_ports(self):
        pods = {w["metadata"]["name"]: w for w in self.workloads.all()}
        for service in manifests.find(self.docs, "Service"):
            selector = {"matchLabels": service["spec"]["selector"]}
            selected = [w for w in pods.values() if network_policy.labels_match(
                selector, w["spec"]["template"]["metadata"]["labels"])]
            self.assertEqual(len(selected), 1, service["metadata"]["name"])
            container_ports = set(self.ports(selected[0]).values())
            for port in service["spec"]["ports"]:
                self.assertIn(self.resolve_target_port(port, selected[0]), container_ports,
                              f"{service['metadata']['name']} port {port}")

    def test_each_deployment_has_a_budget_that_lets_drains_proceed(self):
        for deployment in (self.server, self.gateway):
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            budgets = [b for b in manifests.find(self.docs, "PodDisruptionBudget")
                       if network_policy.labels_match(b["spec"]["selector"], labels)]
            self.assertEqual(len(budgets), 1, deployment["metadata"]["name"])
            spec = budgets[0]["spec"]
            replicas = deployment["spec"]["replicas"]
            if "maxUnavailable" in spec:
                self.assertGreaterEqual(spec["maxUnavailable"], 1)
                self.assertLess(spec["maxUnavailable"], replicas)
            else:
                self.assertGreaterEqual(spec["minAvailable"], 1)
                self.assertLess(spec["minAvailable"], replicas)

    def test_each_deployment_scales_on_cpu(self):
        for deployment in (self.server, self.gateway):
            name = deployment["metadata"]["name"]
            target = {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
            autoscalers = [h for h in manifests.find(self.docs, "HorizontalPodAutoscaler")
                           if h["spec"]["scaleTargetRef"] == target]
            self.assertEqual(len(autoscalers), 1, name)
            spec = autoscalers[0]["spec"]
            self.assertGreaterEqual(spec["minReplicas"], 2)
            self.assertLessEqual(spec["minReplicas"], deployment["spec"]["replicas"])
            self.assertGreater(spec["maxReplicas"], spec["minReplicas"])
            cpu = [m for m in spec["metrics"]
                   if m["type"] == "Resource" and m["resource"]["name"] == "cpu"]
            self.assertEqual(len(cpu), 1, name)
            self.assertEqual(cpu[0]["resource"]["target"]["type"], "Utilization", name)
            self.assertLessEqual(cpu[0]["resource"]["target"]["averageUtilization"], 90, name)

    # --- network policies ------------------------------------------------------------------

    def pod(self, workload):
        return {"namespace": self.namespace,
                "namespace_labels": {"kubernetes.io/metadata.name": self.namespace},
                "labels": workload["spec"]["template"]["metadata"]["labels"],
                "ports": self.ports(workload) if "ports" in self.container(workload) else {}}

    @staticmethod
    def other_pod(namespace, labels, ports=None):
        return {"namespace": namespace,
                "namespace_labels": {"kubernetes.io/metadata.name": namespace},
                "labels": labels, "ports": ports or {}}

    def database(self):
        """The database endpoint: dev's StatefulSet pod, or prod's external address."""
        if FLAVOUR == "dev":
            return self.pod(manifests.one(self.docs, "StatefulSet", "postgresql")), 5432
        return {"ip": "10.20.30.40"}, 5432

    def test_network_policies_deny_by_default(self):
        policies = manifests.find(self.docs, "NetworkPolicy")
        deny = [p for p in policies if p["spec"]["podSelector"] == {}
                and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
                and not p["spec"].get("ingress") and not p["spec"].get("egress")]
        self.assertEqual(len(deny), 1)

    def test_network_policies_allow_exactly_the_intended_traffic(self):
        policies = manifests.find(self.docs, "NetworkPolicy")
        server, gateway, job = self.pod(self.server), self.pod(self.gateway), self.pod(self.job)
        grpc, health = self.ports(self.server)["grpc"], self.ports(self.server)["health"]
        http = self.ports(self.gateway)["http"]
        server_metrics = self.ports(self.server)["metrics"]
        gateway_metrics = self.ports(self.gateway)["metrics"]
        database, database_port = self.database()
        dns = self.other_pod("kube-system", {"k8s-app": "kube-dns"})
        prometheus = self.other_pod("monitoring", {"app.kubernetes.io/name": "prometheus"})
        stranger = self.other_pod("elsewhere", {"app.kubernetes.io/name": "pi-gateway"})
        internet = {"ip": "203.0.113.7"}

        def check(source, destination, port, expected, what, protocol="TCP"):
            self.assertEqual(network_policy.allowed(policies, source, destination, port, protocol),
                             expected, what)

        check(internet, gateway, http, True, "clients -> gateway HTTP")
        check(gateway, server, grpc, True, "gateway -> server gRPC")
        check(server, database, database_port, True, "server -> PostgreSQL")
        check(job, database, database_port, True, "migration Job -> PostgreSQL")
        check(prometheus, server, server_metrics, True, "monitoring -> server metrics")
        check(prometheus, gateway, gateway_metrics, True, "monitoring -> gateway metrics")
        for pod in (server, gateway, job):
            check(pod, dns, 53, True, "DNS over UDP", "UDP")
            check(pod, dns, 53, True, "DNS over TCP")

        check(internet, server, grpc, False, "clients -> server gRPC")
        check(stranger, server, grpc, False, "another namespace's 'pi-gateway' -> server gRPC")
        check(internet, server, health, False, "clients -> server health")
        check(gateway, database, database_port, False, "gateway -> PostgreSQL")
        check(internet, database, database_port, FLAVOUR != "dev", "clients -> dev PostgreSQL")
        check(server, gateway, http, False, "server -> gateway")
        check(server, internet, 443, False, "server -> the internet")
        check(gateway, internet, 443, False, "gateway -> the internet")
        check(gateway, server, health, False, "gateway -> server health")
        check(stranger, server, server_metrics, False, "another namespace -> server metrics")
        check(server, database, 5433, False, "server -> another database port")
        check(server, {"ip": "192.0.2.10"}, database_port, False,
              "server -> the PostgreSQL port anywhere but the database")

    # --- the database ------------------------------------------------------------------------

    def test_database_wiring(self):
        secrets = [s for s in manifests.find(self.docs, "Secret")
                   if s["metadata"]["name"].startswith("pi-server-database")]
        statefulsets = manifests.find(self.docs, "StatefulSet")
        if FLAVOUR == "prod":
            # External PostgreSQL: the operator creates the Secret; nothing here holds it.
            self.assertEqual(secrets, [])
            self.assertEqual(statefulsets, [])
            return
        self.assertEqual(len(statefulsets), 1)
        self.assertEqual(statefulsets[0]["spec"]["replicas"], 1)
        self.assertEqual(len(secrets), 1)
        url = base64.b64decode(secrets[0]["data"]["url"]).decode()
        fields = dict(part.split("=", 1) for part in url.split())
        service = manifests.one(self.docs, "Service", fields["host"])
        self.assertIn(int(fields["port"]), [p["port"] for p in service["spec"]["ports"]])
        self.assertTrue(network_policy.labels_match(
            {"matchLabels": service["spec"]["selector"]},
            statefulsets[0]["spec"]["template"]["metadata"]["labels"]))
        self.assertEqual(self.server_secrets["PI_DATABASE_URL"]["secret"],
                         secrets[0]["metadata"]["name"])


if __name__ == "__main__":
    if not manifests.kubectl():
        print("SKIPPED: kubectl is not installed (it is not packaged for Debian 12); "
              "install it to render and check deploy/k8s")
        sys.exit(manifests.SKIP)
    unittest.main(verbosity=2)

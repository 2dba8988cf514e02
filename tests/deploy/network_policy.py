"""Evaluates Kubernetes NetworkPolicies (networking.k8s.io/v1 semantics) for the deploy tests:
may traffic from one endpoint reach another on a port?

An endpoint is a pod {"namespace", "namespace_labels", "labels", "ports": {name: number}} or an
address outside the cluster {"ip": "203.0.113.7"}. Traffic is allowed when the source's egress
and the destination's ingress both allow it; a side no policy selects for that direction allows
everything. Policies of the destination's namespace only are given (one namespace here).
"""
import ipaddress


def labels_match(selector, labels):
    """A LabelSelector against labels; {} selects everything."""
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def peer_matches(peer, endpoint, policy_namespace):
    if "ipBlock" in peer:
        if "ip" not in endpoint:
            return False  # pod addresses are not modelled: an ipBlock stands for outside peers
        address = ipaddress.ip_address(endpoint["ip"])
        block = peer["ipBlock"]
        return address in ipaddress.ip_network(block["cidr"]) and not any(
            address in ipaddress.ip_network(e) for e in block.get("except", []))
    if "ip" in endpoint:
        return False
    if "namespaceSelector" in peer:
        if not labels_match(peer["namespaceSelector"], endpoint["namespace_labels"]):
            return False
    elif endpoint["namespace"] != policy_namespace:
        return False
    return labels_match(peer.get("podSelector", {}), endpoint["labels"])


def port_matches(rule_ports, port, protocol, destination):
    if not rule_ports:
        return True
    for entry in rule_ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        wanted = entry.get("port")
        if isinstance(wanted, str):
            wanted = destination.get("ports", {}).get(wanted)
        end = entry.get("endPort", wanted)
        if wanted is None or wanted <= port <= end:
            return True
    return False


def direction_allows(policies, subject, peer, port, protocol, direction, destination):
    """Whether the policies selecting `subject` for `direction` ("Ingress"/"Egress") let the
    traffic with `peer` through."""
    if "ip" in subject:
        return True  # outside the cluster: no policy applies there
    selecting = [p for p in policies
                 if p["metadata"].get("namespace", subject["namespace"]) == subject["namespace"]
                 and labels_match(p["spec"]["podSelector"], subject["labels"])
                 and direction in p["spec"].get("policyTypes", ["Ingress"])]
    if not selecting:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in selecting:
        namespace = policy["metadata"].get("namespace", subject["namespace"])
        for rule in policy["spec"].get(key, []):
            peers = rule.get(peers_key)
            if peers and not any(peer_matches(p, peer, namespace) for p in peers):
                continue
            if port_matches(rule.get("ports"), port, protocol, destination):
                return True
    return False


def allowed(policies, source, destination, port, protocol="TCP"):
    return (direction_allows(policies, source, destination, port, protocol, "Egress", destination)
            and direction_allows(policies, destination, source, port, protocol, "Ingress",
                                 destination))

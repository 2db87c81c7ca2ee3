"""The Pod Security Standards ``restricted`` profile (baseline included), rule by rule.

Kubernetes enforces it in Go (Pod Security Admission); no Python package implements it, so each
control of https://kubernetes.io/docs/concepts/security/pod-security-standards/ is written out
here and tested one by one. Every Pod template of every workload kind is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

PodSpec = dict[str, Any]
Container = dict[str, Any]

ALLOWED_VOLUME_TYPES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def pod_spec(document: dict[str, Any]) -> PodSpec | None:
    """The Pod spec a manifest runs, or None for a kind that runs no Pod."""
    path = POD_TEMPLATE_PATHS.get(str(document.get("kind")))
    if path is None:
        return None
    spec: Any = document
    for key in path:
        spec = (spec or {}).get(key)
    return spec or {}


def containers(spec: PodSpec) -> Iterator[Container]:
    for field in ("containers", "initContainers", "ephemeralContainers"):
        yield from spec.get(field) or []


def _effective(spec: PodSpec, container: Container, field: str) -> Any:
    """A container's security setting, falling back to the Pod's."""
    value = (container.get("securityContext") or {}).get(field)
    return value if value is not None else (spec.get("securityContext") or {}).get(field)


def host_process(spec: PodSpec) -> list[str]:
    contexts = [spec.get("securityContext") or {}] + [
        c.get("securityContext") or {} for c in containers(spec)
    ]
    return (
        ["hostProcess must not be true"]
        if any((ctx.get("windowsOptions") or {}).get("hostProcess") for ctx in contexts)
        else []
    )


def host_namespaces(spec: PodSpec) -> list[str]:
    return [
        f"{field} must not be true"
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if spec.get(field)
    ]


def privileged(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: privileged must not be true"
        for c in containers(spec)
        if (c.get("securityContext") or {}).get("privileged")
    ]


def capabilities_added(spec: PodSpec) -> list[str]:
    """Restricted allows adding only NET_BIND_SERVICE (baseline's list is wider)."""
    problems = []
    for c in containers(spec):
        added = set(((c.get("securityContext") or {}).get("capabilities") or {}).get("add") or [])
        if added - {"NET_BIND_SERVICE"}:
            problems.append(f"{c.get('name')}: may add only NET_BIND_SERVICE, adds {sorted(added)}")
    return problems


def capabilities_dropped(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: must drop ALL capabilities"
        for c in containers(spec)
        if "ALL"
        not in (((c.get("securityContext") or {}).get("capabilities") or {}).get("drop") or [])
    ]


def host_path_volumes(spec: PodSpec) -> list[str]:
    return [
        f"volume {v.get('name')}: hostPath is forbidden"
        for v in spec.get("volumes") or []
        if "hostPath" in v
    ]


def volume_types(spec: PodSpec) -> list[str]:
    problems = []
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= ALLOWED_VOLUME_TYPES:
            problems.append(f"volume {volume.get('name')}: type {sorted(kinds)} is not allowed")
    return problems


def host_ports(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: hostPort must be unset or 0"
        for c in containers(spec)
        for port in c.get("ports") or []
        if port.get("hostPort")
    ]


def app_armor(spec: PodSpec) -> list[str]:
    contexts = [spec.get("securityContext") or {}] + [
        c.get("securityContext") or {} for c in containers(spec)
    ]
    return (
        ["AppArmor profile must not be Unconfined"]
        if any((ctx.get("appArmorProfile") or {}).get("type") == "Unconfined" for ctx in contexts)
        else []
    )


def selinux(spec: PodSpec) -> list[str]:
    problems = []
    contexts = [spec.get("securityContext") or {}] + [
        c.get("securityContext") or {} for c in containers(spec)
    ]
    for ctx in contexts:
        options = ctx.get("seLinuxOptions") or {}
        if (
            options.get("type", "") not in SELINUX_TYPES
            or options.get("user")
            or options.get("role")
        ):
            problems.append("seLinuxOptions may set only an allowed type")
    return problems


def proc_mount(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: procMount must be Default"
        for c in containers(spec)
        if (c.get("securityContext") or {}).get("procMount", "Default") != "Default"
    ]


def sysctls(spec: PodSpec) -> list[str]:
    names = {s.get("name") for s in (spec.get("securityContext") or {}).get("sysctls") or []}
    return [f"sysctl {name} is not in the safe set" for name in sorted(names - SAFE_SYSCTLS)]


def host_probes(spec: PodSpec) -> list[str]:
    """Since Kubernetes 1.34: probes and lifecycle hooks may not name a host (e.g. IMDS)."""
    handlers: list[tuple[str, dict[str, Any]]] = []
    for c in containers(spec):
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            handlers.append((f"{c.get('name')}.{probe}", c.get(probe) or {}))
        for hook in ("postStart", "preStop"):
            handlers.append(
                (f"{c.get('name')}.lifecycle.{hook}", (c.get("lifecycle") or {}).get(hook) or {})
            )
    return [
        f"{where}: {kind}.host must be unset"
        for where, handler in handlers
        for kind in ("httpGet", "tcpSocket")
        if (handler.get(kind) or {}).get("host")
    ]


def seccomp_not_unconfined(spec: PodSpec) -> list[str]:
    """Baseline: no level, Pod or container, may be Unconfined."""
    contexts = [("pod", spec.get("securityContext") or {})] + [
        (str(c.get("name")), c.get("securityContext") or {}) for c in containers(spec)
    ]
    return [
        f"{where}: seccompProfile must not be Unconfined"
        for where, ctx in contexts
        if (ctx.get("seccompProfile") or {}).get("type") == "Unconfined"
    ]


def privilege_escalation(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: allowPrivilegeEscalation must be false"
        for c in containers(spec)
        if (c.get("securityContext") or {}).get("allowPrivilegeEscalation") is not False
    ]


def run_as_non_root(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: runAsNonRoot must be true"
        for c in containers(spec)
        if _effective(spec, c, "runAsNonRoot") is not True
    ]


def run_as_user(spec: PodSpec) -> list[str]:
    """Checked at every level: a container's own user does not excuse a Pod-level 0."""
    pod_level = (spec.get("securityContext") or {}).get("runAsUser") == 0
    return (["pod: runAsUser must not be 0"] if pod_level else []) + [
        f"{c.get('name')}: runAsUser must not be 0"
        for c in containers(spec)
        if (c.get("securityContext") or {}).get("runAsUser") == 0
    ]


def seccomp(spec: PodSpec) -> list[str]:
    return [
        f"{c.get('name')}: seccompProfile must be RuntimeDefault or Localhost"
        for c in containers(spec)
        if ((_effective(spec, c, "seccompProfile") or {}).get("type"))
        not in ("RuntimeDefault", "Localhost")
    ]


RULES: dict[str, Callable[[PodSpec], list[str]]] = {
    "baseline/host-process": host_process,
    "baseline/host-namespaces": host_namespaces,
    "baseline/privileged": privileged,
    "baseline/host-path-volumes": host_path_volumes,
    "baseline/host-ports": host_ports,
    "baseline/apparmor": app_armor,
    "baseline/selinux": selinux,
    "baseline/proc-mount": proc_mount,
    "baseline/sysctls": sysctls,
    "baseline/host-probes": host_probes,
    "baseline/seccomp": seccomp_not_unconfined,
    "restricted/volume-types": volume_types,
    "restricted/privilege-escalation": privilege_escalation,
    "restricted/run-as-non-root": run_as_non_root,
    "restricted/run-as-user": run_as_user,
    "restricted/seccomp": seccomp,
    "restricted/capabilities-drop": capabilities_dropped,
    "restricted/capabilities-add": capabilities_added,
}
"""Baseline's capability rule is subsumed by restricted's stricter add rule."""


def violations(spec: PodSpec) -> dict[str, list[str]]:
    """Each rule's problems with the Pod spec; empty when it meets ``restricted``."""
    return {rule: problems for rule, check in RULES.items() if (problems := check(spec))}

"""Security gates as code: every finding is fixed or acknowledged with a reason, none is stale.

Each gate counts its findings without any acknowledgement applied, then matches them to the
acknowledgements, so removing any single acknowledgement or skip makes these tests fail.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml

from stacks.app_stacks import add_app_stacks
from stacks.compliance import add_compliance_checks
from stacks.config import AppConfig
from stacks.workload_charts import synth_manifests
from tests.conftest import REPO_ROOT, cdk_json_context
from tools.gates import (
    cdk_nag_gate,
    cfn_lint_gate,
    checkov_gate,
    kubernetes_schema_gate,
    pod_security_gate,
)
from tools.gates.__main__ import table
from tools.gates.acknowledgement_file import acknowledged_rules, classify
from tools.gates.cdk_nag_gate import Acknowledgement, hollow
from tools.gates.pod_security import RULES, pod_spec, violations
from tools.gates.result import Finding, GateResult

CFN_LINT_CONFIG = REPO_ROOT / ".cfnlintrc.yaml"
CHECKOV_CONFIG = REPO_ROOT / ".checkov.yaml"


@pytest.fixture(scope="module")
def synthesized(
    shipped_config: AppConfig, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """cdk.out and dist as `make synth` writes them (cdk-nag passes, or synth would fail)."""
    root = tmp_path_factory.mktemp("synth")
    app = cdk.App(
        outdir=str(root / "cdk.out"),
        context={**cdk_json_context(), "aws:cdk:enable-path-metadata": True},
    )
    add_app_stacks(app, shipped_config)
    add_compliance_checks(app)
    app.synth()
    synth_manifests(shipped_config, root / "dist")
    return root / "cdk.out", root / "dist"


@pytest.fixture(scope="module")
def nag(
    shipped_config: AppConfig, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[Finding], list[Acknowledgement]]:
    return cdk_nag_gate.nag_findings(
        shipped_config, cdk_json_context(), tmp_path_factory.mktemp("nag")
    )


@pytest.fixture(scope="module")
def cfn_lint_findings(synthesized: tuple[Path, Path]) -> list[Finding]:
    return cfn_lint_gate.findings(synthesized[0])


@pytest.fixture(scope="module")
def checkov_findings(synthesized: tuple[Path, Path]) -> list[Finding]:
    return checkov_gate.findings(*synthesized, checkov=REPO_ROOT / checkov_gate.CHECKOV)


def without(mapping: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in mapping.items() if k != key}


# cdk-nag ---------------------------------------------------------------------------------------


def test_cdk_nag_runs_aws_solutions_and_nist_800_53_rev_5(
    nag: tuple[list[Finding], list[Acknowledgement]],
) -> None:
    findings, _ = nag
    assert {finding.rule.split("-")[0] for finding in findings} >= {
        "AwsSolutions",
        "NIST.800.53.R5",
    }


def test_cdk_nag_has_no_unacknowledged_finding(
    nag: tuple[list[Finding], list[Acknowledgement]],
) -> None:
    assert [str(finding) for finding in cdk_nag_gate.classify(*nag).failing] == []


def test_cdk_nag_acknowledgements_are_neither_stale_nor_hollow(
    nag: tuple[list[Finding], list[Acknowledgement]],
) -> None:
    assert cdk_nag_gate.classify(*nag).stale == []


def test_removing_any_cdk_nag_acknowledgement_fails_the_gate(
    nag: tuple[list[Finding], list[Acknowledgement]],
) -> None:
    findings, acknowledgements = nag
    assert acknowledgements
    for index in range(len(acknowledgements)):
        remaining = acknowledgements[:index] + acknowledgements[index + 1 :]
        assert cdk_nag_gate.classify(findings, remaining).failing, acknowledgements[index]


def test_cdk_nag_acknowledgements_use_the_narrowest_id(
    nag: tuple[list[Finding], list[Acknowledgement]],
) -> None:
    findings, acknowledgements = nag
    multi_finding_rules = {
        finding.rule.split("[")[0] for finding in findings if "[" in finding.rule
    }
    for ack in acknowledgements:
        assert ack.rule.split("[")[0] not in multi_finding_rules or "[" in ack.rule, ack


def test_stale_cdk_nag_acknowledgement_is_reported() -> None:
    stale = Acknowledgement(
        "App/Stack/Bucket", "AwsSolutions-S1", "Server access logs go to the central account."
    )
    result = cdk_nag_gate.classify([], [stale])
    assert result.stale == ["AwsSolutions-S1 on App/Stack/Bucket matches no finding: remove it"]


@pytest.mark.parametrize(
    "reason", ["false positive", "Not needed.", "", "todo: explain this one later please"]
)
def test_hollow_reasons_are_rejected(reason: str) -> None:
    assert hollow(reason)


def test_acknowledgement_covers_its_construct_and_descendants_only() -> None:
    ack = Acknowledgement("App/Vpc/PublicSubnet1", "R1", "reason")
    assert ack.covers("R1", "App/Vpc/PublicSubnet1/DefaultRoute")
    assert not ack.covers("R1", "App/Vpc/PublicSubnet10/DefaultRoute")
    assert not ack.covers("R2", "App/Vpc/PublicSubnet1/DefaultRoute")


# cfn-lint --------------------------------------------------------------------------------------


def test_cfn_lint_has_no_error_or_warning_left(cfn_lint_findings: list[Finding]) -> None:
    result = classify(
        "cfn-lint",
        cfn_lint_findings,
        acknowledged_rules(CFN_LINT_CONFIG, "ignore_checks"),
        CFN_LINT_CONFIG,
    )
    assert [str(finding) for finding in result.failing] == []
    assert result.stale == []


def test_removing_any_cfn_lint_ignore_fails_the_gate(cfn_lint_findings: list[Finding]) -> None:
    ignored = acknowledged_rules(CFN_LINT_CONFIG, "ignore_checks")
    for rule in ignored:
        assert classify(
            "cfn-lint", cfn_lint_findings, without(ignored, rule), CFN_LINT_CONFIG
        ).failing


def test_cfn_lint_with_the_project_config_passes_as_a_user_runs_it(
    synthesized: tuple[Path, Path],
) -> None:
    templates = [str(path) for path in synthesized[0].glob("*.template.json")]
    completed = subprocess.run(
        [
            cfn_lint_gate.shutil.which("cfn-lint") or "cfn-lint",
            "--config-file",
            str(CFN_LINT_CONFIG),
            *templates,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout


# checkov ---------------------------------------------------------------------------------------


def test_checkov_has_no_failed_check_left(checkov_findings: list[Finding]) -> None:
    result = classify(
        "checkov",
        checkov_findings,
        acknowledged_rules(CHECKOV_CONFIG, "skip-check"),
        CHECKOV_CONFIG,
    )
    assert [str(finding) for finding in result.failing] == []
    assert result.stale == []


def test_removing_any_checkov_skip_fails_the_gate(checkov_findings: list[Finding]) -> None:
    skipped = acknowledged_rules(CHECKOV_CONFIG, "skip-check")
    for rule in skipped:
        assert classify("checkov", checkov_findings, without(skipped, rule), CHECKOV_CONFIG).failing


def test_checkov_lambda_skips_meet_only_the_cdk_default_security_group_provider(
    checkov_findings: list[Finding],
) -> None:
    lambda_findings = [
        finding
        for finding in checkov_findings
        if finding.rule in {"CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"}
    ]
    assert lambda_findings
    for finding in lambda_findings:
        assert "CustomVpcRestrictDefaultSGCustomResourceProviderHandler" in finding.location


def test_checkov_image_digest_skip_meets_only_the_demo_pod(checkov_findings: list[Finding]) -> None:
    digest_findings = [finding for finding in checkov_findings if finding.rule == "CKV_K8S_43"]
    assert [finding.location for finding in digest_findings] == [
        "kubernetes:Pod.gen-ai.gen-ai-mount-demo"
    ]


def test_checkov_with_the_project_config_passes_as_a_user_runs_it(
    synthesized: tuple[Path, Path],
) -> None:
    assembly, manifests = synthesized
    completed = subprocess.run(
        [
            str(REPO_ROOT / checkov_gate.CHECKOV),
            "--config-file",
            str(CHECKOV_CONFIG),
            "--directory",
            str(assembly),
            "--directory",
            str(manifests),
            "--framework",
            "cloudformation",
            "kubernetes",
            "--quiet",
            "--compact",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


# Kubernetes schema -----------------------------------------------------------------------------


def test_every_manifest_validates_strictly_against_the_cluster_version(
    synthesized: tuple[Path, Path], shipped_config: AppConfig
) -> None:
    result = kubernetes_schema_gate.run(synthesized[1], shipped_config.kubernetes_version)
    assert [str(finding) for finding in result.failing] == []


def test_schema_gate_rejects_an_unknown_field(
    synthesized: tuple[Path, Path], tmp_path: Path
) -> None:
    pod = yaml.safe_load_all(
        (synthesized[1] / "workload" / "0001-secret-mount-demo.k8s.yaml").read_text()
    )
    document = next(doc for doc in pod if doc["kind"] == "Pod")
    document["spec"]["containers"][0]["envFrom_typo"] = []
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(document))
    result = kubernetes_schema_gate.run(tmp_path, "1.35")
    assert "envFrom_typo" in result.failing[0].message


# Pod Security Standards restricted ----------------------------------------------------------------


def test_every_pod_bearing_manifest_meets_restricted(synthesized: tuple[Path, Path]) -> None:
    result = pod_security_gate.run(synthesized[1])
    assert [str(finding) for finding in result.failing] == []


def compliant_pod(synthesized: tuple[Path, Path]) -> dict[str, Any]:
    text = (synthesized[1] / "workload" / "0001-secret-mount-demo.k8s.yaml").read_text()
    return next(doc for doc in yaml.safe_load_all(text) if doc["kind"] == "Pod")


BREAKS: dict[str, Any] = {
    "baseline/host-process": lambda s: s["securityContext"].update(
        windowsOptions={"hostProcess": True}
    ),
    "baseline/host-namespaces": lambda s: s.update(hostPID=True),
    "baseline/privileged": lambda s: s["containers"][0]["securityContext"].update(privileged=True),
    "baseline/host-path-volumes": lambda s: s["volumes"].append(
        {"name": "h", "hostPath": {"path": "/"}}
    ),
    "baseline/host-ports": lambda s: s["containers"][0].update(
        ports=[{"containerPort": 80, "hostPort": 80}]
    ),
    "baseline/apparmor": lambda s: s["securityContext"].update(
        appArmorProfile={"type": "Unconfined"}
    ),
    "baseline/selinux": lambda s: s["securityContext"].update(seLinuxOptions={"type": "spc_t"}),
    "baseline/proc-mount": lambda s: s["containers"][0]["securityContext"].update(
        procMount="Unmasked"
    ),
    "baseline/sysctls": lambda s: s["securityContext"].update(
        sysctls=[{"name": "kernel.msgmax", "value": "1"}]
    ),
    "baseline/host-probes": lambda s: s["containers"][0]["livenessProbe"].update(
        httpGet={"host": "169.254.169.254", "path": "/", "port": 80}
    ),
    "baseline/seccomp": lambda s: s["securityContext"].update(
        seccompProfile={"type": "Unconfined"}
    ),
    "restricted/volume-types": lambda s: s["volumes"].append(
        {"name": "n", "nfs": {"server": "x", "path": "/"}}
    ),
    "restricted/privilege-escalation": lambda s: s["containers"][0]["securityContext"].pop(
        "allowPrivilegeEscalation"
    ),
    "restricted/run-as-non-root": lambda s: (
        s["securityContext"].pop("runAsNonRoot"),
        s["containers"][0]["securityContext"].pop("runAsNonRoot"),
    ),
    "restricted/run-as-user": lambda s: s["containers"][0]["securityContext"].update(runAsUser=0),
    "restricted/seccomp": lambda s: s["containers"][0]["securityContext"].update(
        seccompProfile={"type": "Unconfined"}
    ),
    "restricted/capabilities-drop": lambda s: s["containers"][0]["securityContext"][
        "capabilities"
    ].update(drop=[]),
    "restricted/capabilities-add": lambda s: s["containers"][0]["securityContext"][
        "capabilities"
    ].update(add=["SYS_ADMIN"]),
}


def test_every_rule_of_the_profile_has_a_breaking_example() -> None:
    assert set(BREAKS) == set(RULES)


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_pod_security_rule_catches_its_violation(rule: str, synthesized: tuple[Path, Path]) -> None:
    spec = copy.deepcopy(compliant_pod(synthesized)["spec"])
    BREAKS[rule](spec)
    assert rule in violations(spec)


@pytest.mark.parametrize(
    "kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"]
)
def test_pod_security_inspects_every_workload_kind(
    kind: str, synthesized: tuple[Path, Path]
) -> None:
    spec = copy.deepcopy(compliant_pod(synthesized)["spec"])
    template = {"spec": {"template": {"spec": spec}}}
    document = {
        "kind": kind,
        **(template if kind != "CronJob" else {"spec": {"jobTemplate": template}}),
    }
    assert pod_spec(document) is spec


# the table -------------------------------------------------------------------------------------


def test_table_counts_findings_acknowledged_and_failing() -> None:
    finding = Finding("g", "R", "here", "m")
    rendered = table(
        [GateResult("g", acknowledged=[finding], failing=[finding, finding], stale=["x"])]
    )
    assert rendered.splitlines()[0].split() == ["gate", "findings", "acknowledged", "failing"]
    assert rendered.splitlines()[2].split() == ["g", "3", "1", "3"]


def test_gate_results_survive_the_trip_between_processes() -> None:
    result = GateResult("g", acknowledged=[Finding("g", "R", "here", "m")], stale=["s"])
    assert GateResult.from_json(json.loads(json.dumps(result.to_json()))) == result

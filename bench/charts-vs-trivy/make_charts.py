#!/usr/bin/env python3
"""Builds the benchmark's charts from one `helm create` chart (issue 18, item 8).

usage: make_charts.py BASE_CHART_DIR OUT_DIR [NAME ...]

Each chart is a copy of BASE (helm create's `demo`), renamed, with one misconfiguration made the way a chart author would:
through values.yaml where helm create's templates take the value, otherwise by editing templates/deployment.yaml
(pod-level lines after `serviceAccountName:`, container-level lines after `imagePullPolicy:`) or adding a template.
`plain` is helm create's chart as it is; `hardened` fixes everything the rule sets ask for.
"""
import copy
import os
import shutil
import sys

import yaml

DIGEST = "sha256:" + "4c0fdaa8b6341bfdeca5f18f7837462c80cff90527ee35ef185571e1c327beac"

HARDENED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
HARDENED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "runAsGroup": 10001,
    "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}

RBAC_WILDCARD = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "CHART.fullname" . }}-all
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "CHART.fullname" . }}-all
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "CHART.fullname" . }}-all
subjects:
  - kind: ServiceAccount
    name: {{ include "CHART.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
"""

CLUSTER_ADMIN = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "CHART.fullname" . }}-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: {{ include "CHART.serviceAccountName" . }}
    namespace: {{ .Release.Namespace }}
"""

RBAC_SECRETS = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "CHART.fullname" . }}-secrets
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ include "CHART.fullname" . }}-secrets
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ include "CHART.fullname" . }}-secrets
subjects:
  - kind: ServiceAccount
    name: {{ include "CHART.serviceAccountName" . }}
"""

CONFIGMAP_SECRET = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "CHART.fullname" . }}-config
data:
  DB_HOST: db.internal
  DB_PASSWORD: "Sup3r-Secret-Pa55word"
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
"""


# name -> (values overrides, pod lines, container lines, extra templates, description)
def charts():
    return {
        "plain": ({}, [], [], {}, "helm create as it is"),
        "hardened": ({
            "image": {"tag": "1.27.3@" + DIGEST},
            "securityContext": HARDENED_CONTAINER, "podSecurityContext": HARDENED_POD, "resources": RESOURCES,
            "serviceAccount": {"automount": False},
        }, ["automountServiceAccountToken: false"], [], {}, "every securityContext setting, resources, digest, no token"),
        "privileged": ({"securityContext": {"privileged": True}}, [], [], {}, "securityContext.privileged: true"),
        "host-namespaces": ({}, ["hostNetwork: true", "hostPID: true", "hostIPC: true"], [], {}, "hostNetwork, hostPID, hostIPC"),
        "docker-sock": ({
            "volumes": [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}],
            "volumeMounts": [{"name": "docker", "mountPath": "/var/run/docker.sock"}],
        }, [], [], {}, "hostPath volume of /var/run/docker.sock"),
        "host-path": ({
            "volumes": [{"name": "host", "hostPath": {"path": "/etc"}}],
            "volumeMounts": [{"name": "host", "mountPath": "/host/etc", "readOnly": True}],
        }, [], [], {}, "hostPath volume of /etc"),
        "privilege-escalation": ({"securityContext": {"allowPrivilegeEscalation": True}}, [], [], {}, "allowPrivilegeEscalation: true"),
        "root-user": ({"securityContext": {"runAsUser": 0, "runAsNonRoot": False}, "podSecurityContext": {"runAsUser": 0}}, [], [], {},
                      "runAsUser: 0, runAsNonRoot: false"),
        "capabilities": ({"securityContext": {"capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_MODULE"]}}}, [], [], {},
                         "capabilities.add SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_MODULE"),
        "no-limits": ({"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}, [], [], {}, "requests without limits"),
        "latest-tag": ({"image": {"tag": "latest"}}, [], [], {}, "image nginx:latest"),
        "rbac-wildcard": ({}, [], [], {"rbac.yaml": RBAC_WILDCARD}, "ClusterRole with * verbs, resources and groups, bound to the SA"),
        "cluster-admin": ({}, [], [], {"admin.yaml": CLUSTER_ADMIN}, "ClusterRoleBinding to cluster-admin"),
        "rbac-secrets": ({}, [], [], {"secrets-role.yaml": RBAC_SECRETS}, "Role reading secrets and creating pods/exec"),
        "nodeport": ({"service": {"type": "NodePort"}}, [], [], {}, "Service of type NodePort"),
        "secret-env": ({}, [], ["env:", "  - name: DB_PASSWORD", "    value: \"Sup3r-Secret-Pa55word\"",
                                "  - name: API_TOKEN", "    value: \"tok_5f2a9c81d7e34b6aa0c1\""],
                       {"configmap.yaml": CONFIGMAP_SECRET}, "passwords in plain env values and in a ConfigMap"),
        "automount-token": ({"serviceAccount": {"automount": True}}, ["automountServiceAccountToken: true"], [], {},
                            "automountServiceAccountToken: true on the pod"),
        "seccomp-unconfined": ({"podSecurityContext": {"seccompProfile": {"type": "Unconfined"}},
                                "securityContext": {"seccompProfile": {"type": "Unconfined"}},
                                "podAnnotations": {"container.apparmor.security.beta.kubernetes.io/CHART": "unconfined"}}, [], [], {},
                               "seccomp Unconfined, AppArmor unconfined"),
        "host-port": ({}, [], [], {}, "hostPort 8080 on the container port"),
        "unsafe-sysctl": ({"podSecurityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]}}, [], [], {},
                          "an unsafe sysctl (kernel.msgmax)"),
    }


def merge(base, extra):
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)


def subst(value, name):
    if isinstance(value, str):
        return value.replace("CHART", name)
    if isinstance(value, dict):
        return {subst(k, name): subst(v, name) for k, v in value.items()}
    if isinstance(value, list):
        return [subst(v, name) for v in value]
    return value


def insert_after(text, marker, lines, extra_indent):
    out = []
    done = False
    for line in text.splitlines(keepends=True):
        out.append(line)
        if not done and line.strip().startswith(marker):
            indent = line[: len(line) - len(line.lstrip())] + extra_indent
            out.extend(indent + l + "\n" for l in lines)
            done = True
    if not done:
        raise SystemExit(f"make_charts: marker {marker!r} not found in deployment.yaml")
    return "".join(out)


def build(base, out, name):
    spec = charts()[name]
    values_over, pod_lines, container_lines, templates, _ = spec
    dest = os.path.join(out, name)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(base, dest)
    base_name = os.path.basename(os.path.normpath(base))
    # Rename the chart: Chart.yaml's name and the helpers' prefix ("demo.fullname" -> "<name>.fullname").
    for root, _, files in os.walk(dest):
        for f in files:
            p = os.path.join(root, f)
            with open(p, encoding="utf-8") as fh:
                text = fh.read()
            text = text.replace(f'"{base_name}.', f'"{name}.')
            if f == "Chart.yaml":
                text = text.replace(f"name: {base_name}\n", f"name: {name}\n", 1)
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(text)
    values_path = os.path.join(dest, "values.yaml")
    with open(values_path, encoding="utf-8") as fh:
        values = yaml.safe_load(fh)
    merge(values, subst(values_over, name))
    with open(values_path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(values, fh, sort_keys=False)
    dep_path = os.path.join(dest, "templates", "deployment.yaml")
    with open(dep_path, encoding="utf-8") as fh:
        dep = fh.read()
    if pod_lines:
        dep = insert_after(dep, "serviceAccountName:", pod_lines, "")
    if container_lines:
        dep = insert_after(dep, "imagePullPolicy:", container_lines, "")
    if name == "host-port":
        dep = insert_after(dep, "containerPort:", ["hostPort: 8080"], "")
    with open(dep_path, "w", encoding="utf-8") as fh:
        fh.write(dep)
    for file, text in templates.items():
        with open(os.path.join(dest, "templates", file), "w", encoding="utf-8") as fh:
            fh.write(text.replace("CHART", name))


def main():
    base, out, *names = sys.argv[1:]
    all_charts = charts()
    for n in names or list(all_charts):
        if n not in all_charts:
            raise SystemExit(f"make_charts: no chart {n}; known: {', '.join(all_charts)}")
        build(base, out, n)
        print(f"{n}\t{all_charts[n][4]}")


if __name__ == "__main__":
    main()

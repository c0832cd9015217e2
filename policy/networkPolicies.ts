// NetworkPolicies as Kubernetes adds them up: a pod one policy selects for Ingress is isolated, and
// then admits what any policy that selects it admits. One rule open to every source opens its ports
// whatever the others say.
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { instanceOf, isEmptySelector, isMember, isObject, JsonObject, knownResource, listed, nameOf } from "./props";
import { objectsAt, PodView, podsOf, Resource, sameNamespace, selects, stringsAt, textAt } from "./props";

export interface PolicyView {
    name: string;
    namespace?: string;
    podSelector: unknown;
    /** Whether it isolates the pods it selects for ingress (policyTypes, Ingress by default). */
    ingress: boolean;
    rules: JsonObject[];
}

export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export function networkPoliciesOf(resources: Resource[]): PolicyView[] {
    return resources
        .filter((resource) => resource.type === NETWORK_POLICY)
        .map((resource) => {
            const spec = resource.props.spec;
            const types = stringsAt(spec, "policyTypes");
            return {
                name: nameOf(resource),
                namespace: textAt(resource.props, "metadata", "namespace"),
                // The API requires a podSelector; an absent one would select every pod.
                podSelector: isObject(spec) && spec.podSelector !== undefined ? spec.podSelector : {},
                ingress: types.length === 0 || types.includes("Ingress"),
                rules: objectsAt(spec, "ingress"),
            };
        });
}

export const appliesTo = (policy: PolicyView, pod: PodView): boolean =>
    policy.ingress && sameNamespace(policy.namespace, pod.namespace) && selects(policy.podSelector, pod.labels);

/** Why a rule admits every source, if it does: no from, a /0 ipBlock, or a peer whose selectors are empty. */
export function openSource(rule: JsonObject): string | undefined {
    const peers = objectsAt(rule, "from");
    if (peers.length === 0) return "a rule without from";
    for (const peer of peers) {
        const cidr = textAt(peer, "ipBlock", "cidr");
        if (cidr === "0.0.0.0/0" || cidr === "::/0") return `ipBlock ${cidr}`;
        const namespaces = peer.namespaceSelector;
        const pods = peer.podSelector;
        const everyPod = pods === undefined || isEmptySelector(pods);
        if (namespaces !== undefined && isEmptySelector(namespaces) && everyPod)
            return "namespaceSelector {}: every pod of every namespace";
        if (namespaces === undefined && pods !== undefined && isEmptySelector(pods))
            return "podSelector {}: every pod of its namespace";
    }
    return undefined;
}

/** Whether a rule's ports include this container port (no ports: all of them). */
export function coversPort(rule: JsonObject, port: number, name: string): boolean {
    const ports = objectsAt(rule, "ports");
    if (ports.length === 0) return true;
    return ports.some((entry) => {
        const value = entry.port;
        if (value === undefined || value === name) return true;
        const endPort = typeof entry.endPort === "number" ? entry.endPort : value;
        return typeof value === "number" && typeof endPort === "number" && value <= port && port <= endPort;
    });
}

const portsText = (rule: JsonObject): string => {
    const ports = objectsAt(rule, "ports").map(
        (entry) => `${String(entry.port ?? "any")}/${String(entry.protocol ?? "TCP")}`,
    );
    return ports.length === 0 ? "every port" : `port ${ports.join(", ")}`;
};

const stackNamespaces = (pods: PodView[]): Set<string | undefined> => new Set(pods.map((pod) => pod.namespace));

export const policiesSelectMembers: StackValidationPolicy = {
    name: "network-policy-selects-every-member",
    description:
        "A NetworkPolicy isolates every member (bootnode and nodes, whatever workload runs them), so only members reach their peer ports.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const resources = args.resources.map(knownResource);
        const policies = networkPoliciesOf(resources);
        for (const pod of podsOf(resources).filter(isMember)) {
            if (!policies.some((policy) => appliesTo(policy, pod)))
                reportViolation(`no NetworkPolicy selects ${instanceOf(pod)}: set networkPolicy true`);
        }
    },
};

/** The stack's pods a policy opens, or every pod of its namespace when it selects all. */
function openedPods(policy: PolicyView, pods: PodView[]): string | undefined {
    const namespaces = stackNamespaces(pods);
    if (![...namespaces].some((namespace) => sameNamespace(policy.namespace, namespace))) return undefined;
    if (isEmptySelector(policy.podSelector))
        return `every pod of namespace ${policy.namespace ?? [...namespaces].join(", ")}`;
    const selected = pods.filter((pod) => appliesTo(policy, pod)).map(instanceOf);
    return selected.length === 0 ? undefined : listed(selected);
}

export const noAllowAll: StackValidationPolicy = {
    name: "network-policy-no-allow-all",
    description:
        "No NetworkPolicy in the stack's namespace admits every source (no from, a /0 ipBlock, empty selectors): " +
        "policies add up, so one such rule opens the pods it selects whatever the others allow.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const resources = args.resources.map(knownResource);
        const pods = podsOf(resources);
        for (const policy of networkPoliciesOf(resources).filter((candidate) => candidate.ingress)) {
            const opened = openedPods(policy, pods);
            if (opened === undefined) continue;
            for (const rule of policy.rules) {
                const source = openSource(rule);
                if (source === undefined) continue;
                const why =
                    "policies add up, so this opens them whatever the others allow: name the pods or namespaces that need them in from";
                reportViolation(
                    `NetworkPolicy ${policy.name} admits every source (${source}) to ${portsText(rule)} of ${opened}; ${why}`,
                );
            }
        }
    },
};

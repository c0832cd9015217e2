// kaleido-quorum's security invariants as Pulumi CrossGuard policies: what the program's defaults
// already hold, enforced for stacks that widen them. index.ts serves them as a policy pack.
import { ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** A resource's inputs as the engine hands a policy: JSON of the resource's own shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

const WORKLOADS = ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"];
const MEMBER_NAMES = ["quorum-node", "quorum-bootnode"];
/** RPC namespaces that administer a node, unlock its accounts or steer its mining. */
const POWERFUL_APIS = ["admin", "debug", "personal", "miner"];
/** File names of key material in a qdata folder, as ConfigMap keys would carry them. */
const KEY_FILE = /(^|[/_])(nodekey|tm\.key|passwords\.txt|keystore|UTC--)/;

const podSpecOf = (props: Props): Props => props.spec?.template?.spec ?? {};
const containersOf = (pod: Props): Props[] => [...(pod.containers ?? []), ...(pod.initContainers ?? [])];

export const rpcApis: ResourceValidationPolicy = {
    name: "rpc-no-admin-apis",
    description: "geth's HTTP and WS RPC serve no admin, debug, personal or miner namespace: whoever reaches RPC could use them.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!WORKLOADS.includes(args.type)) return;
        for (const container of containersOf(podSpecOf(args.props))) {
            const flags: string[] = container.args ?? [];
            for (const flag of ["--http.api", "--ws.api"]) {
                const at = flags.indexOf(flag);
                const served = at >= 0 ? String(flags[at + 1]).split(",") : [];
                const powerful = served.filter((api) => POWERFUL_APIS.includes(api));
                if (powerful.length > 0) reportViolation(`${container.name}: ${flag} serves ${powerful.join(", ")}; remove them from rpcApis (the program administers nodes over IPC)`);
            }
        }
    },
};

export const hardened: ResourceValidationPolicy = {
    name: "hardened-pods",
    description: "Every pod runs under RuntimeDefault seccomp, without a service-account token; every container without privilege escalation or capabilities.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (!WORKLOADS.includes(args.type)) return;
        const pod = podSpecOf(args.props);
        if (pod.securityContext?.seccompProfile?.type !== "RuntimeDefault") reportViolation("the pod's seccompProfile must be RuntimeDefault");
        if (pod.automountServiceAccountToken !== false) reportViolation("the pod must not mount a service-account token (automountServiceAccountToken: false)");
        for (const container of containersOf(pod)) {
            const context = container.securityContext ?? {};
            if (context.allowPrivilegeEscalation !== false) reportViolation(`${container.name}: allowPrivilegeEscalation must be false`);
            if (!(context.capabilities?.drop ?? []).includes("ALL")) reportViolation(`${container.name}: capabilities must drop ALL`);
        }
    },
};

export const noKeysInConfigMaps: ResourceValidationPolicy = {
    name: "no-key-material-in-configmaps",
    description: "Node keys, transaction manager keys, keystores and passwords live in Secrets or on volumes, never in a ConfigMap.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== "kubernetes:core/v1:ConfigMap") return;
        const keys = [...Object.keys(args.props.data ?? {}), ...Object.keys(args.props.binaryData ?? {})].filter((key) => KEY_FILE.test(key));
        if (keys.length > 0) reportViolation(`ConfigMap ${args.props.metadata?.name} holds key material: ${keys.join(", ")}`);
    },
};

/** Whether a label selector (matchLabels, matchExpressions In/NotIn/Exists) selects these labels. */
function selects(selector: Props | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    const byExpressions = (selector.matchExpressions ?? []).every((e: Props) => {
        if (e.operator === "In") return e.values.includes(labels[e.key]);
        if (e.operator === "NotIn") return !e.values.includes(labels[e.key]);
        if (e.operator === "Exists") return e.key in labels;
        return !(e.key in labels);
    });
    return byLabels && byExpressions;
}

const memberPods = (resources: { type: string; props: Props }[]): Record<string, string>[] =>
    resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet").map((r) => r.props.spec?.template?.metadata?.labels ?? {}).filter((labels) => MEMBER_NAMES.includes(labels["app.kubernetes.io/name"]));

export const policiesSelectMembers: StackValidationPolicy = {
    name: "network-policy-selects-every-member",
    description: "A NetworkPolicy selects every member (bootnode and nodes), so only members reach their peer ports.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation: ReportViolation) => {
        const selectors = args.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.props.spec?.podSelector as Props);
        for (const labels of memberPods(args.resources)) {
            if (!selectors.some((selector) => selects(selector, labels))) reportViolation(`no NetworkPolicy selects ${labels["app.kubernetes.io/instance"] ?? "a member"}: set networkPolicy true`);
        }
    },
};

export const budgetKeepsQuorum: StackValidationPolicy = {
    name: "disruption-budget-keeps-quorum",
    description: "Where nodes spread over cluster nodes, a PodDisruptionBudget keeps more than half of them up through a drain.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation: ReportViolation) => {
        const nodes = args.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.props.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"] === "quorum-node");
        const spread = nodes.some((r) => (r.props.spec?.template?.spec?.topologySpreadConstraints ?? []).length > 0);
        if (!spread) return;
        const majority = Math.floor(nodes.length / 2) + 1;
        const budgets = args.resources.filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget");
        const keeps = budgets.some((r) => typeof r.props.spec?.minAvailable === "number" && r.props.spec.minAvailable >= majority);
        if (!keeps) reportViolation(`${nodes.length} nodes spread over cluster nodes, but no PodDisruptionBudget keeps ${majority} of them up`);
    },
};

export const POLICIES = [rpcApis, hardened, noKeysInConfigMaps, policiesSelectMembers, budgetKeepsQuorum];

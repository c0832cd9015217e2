// What every pod of every workload kind may do on its cluster node, judged at pod and container
// level (a container's securityContext overrides its pod's).
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { BOOTNODE_IDENTITY, NODE_NAME } from "../lib/network/names";
import {
    at,
    containerName,
    containersOf,
    JsonObject,
    knownResource,
    objectAt,
    objectsAt,
    PodView,
    podOf,
    stringsAt,
    textAt,
    where,
} from "./props";

const podOfArgs = (args: ResourceValidationArgs): PodView | undefined => podOf(knownResource(args));

/** A rule that reports each problem of a pod as "<Kind> <name>: <problem>". */
function podPolicy(name: string, description: string, problems: (pod: PodView) => string[]): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        validateResource: (args, reportViolation) => {
            const pod = podOfArgs(args);
            if (pod) for (const problem of problems(pod)) reportViolation(`${where(pod)}: ${problem}`);
        },
    };
}

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
const LIFTS = "lifts the runtime's AppArmor profile; remove it";
const UNCONFINED = `Unconfined ${LIFTS}`;

function containerHardening(container: JsonObject): string[] {
    const context = objectAt(container, "securityContext");
    const problems: string[] = [];
    if (context.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation must be false");
    if (context.privileged === true)
        problems.push("privileged must not be true: it hands the container the cluster node");
    if (!stringsAt(context, "capabilities", "drop").includes("ALL")) problems.push("capabilities must drop ALL");
    const added = stringsAt(context, "capabilities", "add");
    if (added.length > 0)
        problems.push(`capabilities.add ${added.join(", ")} gives the container kernel privileges; add none`);
    const seccomp = textAt(context, "seccompProfile", "type");
    if (seccomp !== undefined && seccomp !== "RuntimeDefault")
        problems.push(`seccompProfile ${seccomp} overrides the pod's RuntimeDefault; remove it`);
    if (textAt(context, "appArmorProfile", "type") === "Unconfined") problems.push(`appArmorProfile ${UNCONFINED}`);
    if (textAt(context, "procMount") === "Unmasked")
        problems.push("procMount Unmasked shows it the node's /proc; remove it");
    return problems.map((problem) => `${containerName(container)}: ${problem}`);
}

function hardening(pod: PodView): string[] {
    const problems: string[] = [];
    if (textAt(pod.spec, "securityContext", "seccompProfile", "type") !== "RuntimeDefault")
        problems.push("the pod's seccompProfile must be RuntimeDefault");
    const token = at(pod.spec, "automountServiceAccountToken");
    if (token !== false)
        problems.push("the pod must not mount a service-account token (automountServiceAccountToken: false)");
    if (textAt(pod.spec, "securityContext", "appArmorProfile", "type") === "Unconfined")
        problems.push(`the pod's appArmorProfile ${UNCONFINED}`);
    for (const [key, value] of Object.entries(pod.annotations)) {
        const name = key.slice(APPARMOR_ANNOTATION.length);
        if (key.startsWith(APPARMOR_ANNOTATION) && value === "unconfined")
            problems.push(`${name}: the AppArmor annotation unconfined ${LIFTS}`);
    }
    return [...problems, ...containersOf(pod.spec).flatMap(containerHardening)];
}

export const hardened = podPolicy(
    "hardened-pods",
    "Every pod (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob...) runs under RuntimeDefault seccomp without a service-account token; " +
        "every container without privilege, privilege escalation, capabilities or an Unconfined profile.",
    hardening,
);

const HOST_NAMESPACES: Record<string, string> = { hostNetwork: "network", hostPID: "process", hostIPC: "IPC" };
const HOST_PROCESS = "runs it as a process of the cluster node; remove it";

function hostNamespaceUse(pod: PodView): string[] {
    const shared = Object.entries(HOST_NAMESPACES).filter(([field]) => pod.spec[field] === true);
    const problems = shared.map(
        ([field, what]) => `${field} puts the pod in the cluster node's ${what} namespace; remove it`,
    );
    if (at(pod.spec, "securityContext", "windowsOptions", "hostProcess") === true)
        problems.push(`hostProcess ${HOST_PROCESS}`);
    for (const container of containersOf(pod.spec)) {
        const name = containerName(container);
        for (const port of objectsAt(container, "ports")) {
            const hostPort = port.hostPort;
            const opens = `hostPort ${String(hostPort)} opens a port of the cluster node; reach the pod through its Service`;
            if (typeof hostPort === "number" && hostPort > 0) problems.push(`${name}: ${opens}`);
        }
        if (at(container, "securityContext", "windowsOptions", "hostProcess") === true)
            problems.push(`${name}: hostProcess ${HOST_PROCESS}`);
    }
    return problems;
}

export const noHostNamespaces = podPolicy(
    "no-host-namespaces",
    "No pod shares its cluster node's network, process or IPC namespace (hostNetwork, hostPID, hostIPC) or opens a port on the node (hostPort).",
    hostNamespaceUse,
);

/**
 * The containers whose images run as root and need it: GoQuorum's, Tessera's and the seed's
 * quorum-tools images run as their own user, root, and the seeded key files are root's, 0600, on
 * volumes (hostPath on minikube) that take no fsGroup (README, "Pod Security Admission").
 */
export const ROOT_IMAGES = new Map<string, readonly string[]>([
    [NODE_NAME, ["geth-init", "quorum", "tessera", "constellation", "seed"]],
    [BOOTNODE_IDENTITY.name, ["seed", "bootnode"]],
]);

const ROOT_IMAGES_TEXT = [...ROOT_IMAGES]
    .map(([workload, containers]) => `${workload}: ${containers.join(", ")}`)
    .join("; ");

/** Why a container runs as root, if it asks to: runAsUser 0, or runAsNonRoot false without a user, its own or its pod's. */
function rootRequest(pod: PodView, container: JsonObject): string | undefined {
    const context = objectAt(container, "securityContext");
    const podContext = objectAt(pod.spec, "securityContext");
    const user = context.runAsUser ?? podContext.runAsUser;
    if (user === 0) return "runAsUser 0 runs it as root";
    if ((context.runAsNonRoot ?? podContext.runAsNonRoot) === false && user === undefined)
        return "runAsNonRoot false lets its image run as root";
    return undefined;
}

function rootUse(pod: PodView): string[] {
    const allowed = ROOT_IMAGES.get(pod.labels["app.kubernetes.io/name"]) ?? [];
    return containersOf(pod.spec).flatMap((container) => {
        const request = rootRequest(pod, container);
        if (request === undefined || allowed.includes(containerName(container))) return [];
        const remedy = `only the members' images need root (${ROOT_IMAGES_TEXT}): set runAsNonRoot true and a non-zero runAsUser`;
        return [`${containerName(container)}: ${request}; ${remedy}`];
    });
}

export const rootOnlyWhereNeeded = podPolicy(
    "root-only-where-images-need-it",
    `No container asks for root (runAsUser 0, runAsNonRoot false) but those whose images need it: ${ROOT_IMAGES_TEXT}.`,
    rootUse,
);

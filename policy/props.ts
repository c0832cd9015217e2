// What the rules read of a stack: each resource's inputs as plain JSON (values a preview cannot know
// yet left out), the pod every workload kind runs, and label selectors as Kubernetes applies them.
import { BOOTNODE_IDENTITY, NODE_NAME } from "../lib/network/names";

export type JsonObject = Record<string, unknown>;
export type Labels = Record<string, string>;

/** A resource as the rules see it: its type token, its name and its inputs. */
export interface Resource {
    type: string;
    name: string;
    props: JsonObject;
}

export const isObject = (value: unknown): value is JsonObject =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at `path` under `value`; undefined where a step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);
}

export function objectAt(value: unknown, ...path: string[]): JsonObject {
    const found = at(value, ...path);
    return isObject(found) ? found : {};
}

export function objectsAt(value: unknown, ...path: string[]): JsonObject[] {
    const found = at(value, ...path);
    return Array.isArray(found) ? found.filter(isObject) : [];
}

export function stringsAt(value: unknown, ...path: string[]): string[] {
    const found = at(value, ...path);
    return Array.isArray(found) ? found.filter((item): item is string => typeof item === "string") : [];
}

export function textAt(value: unknown, ...path: string[]): string | undefined {
    const found = at(value, ...path);
    return typeof found === "string" ? found : undefined;
}

export function labelsAt(value: unknown, ...path: string[]): Labels {
    return Object.fromEntries(
        Object.entries(objectAt(value, ...path)).flatMap(([key, label]) =>
            typeof label === "string" ? [[key, label]] : [],
        ),
    );
}

/** The engine's proxy throws this on reading a value the preview cannot know (not in @pulumi/policy's type declarations). */
const isUnknownValue = (error: unknown) => error instanceof Error && error.constructor.name === "UnknownValueError";

function readKnown(read: () => unknown): unknown {
    try {
        return known(read());
    } catch (error) {
        if (isUnknownValue(error)) return undefined;
        throw error;
    }
}

/**
 * A plain copy of a resource's inputs, each value a preview cannot know yet left undefined (in
 * place, so a flag keeps its position): reading one through the engine's proxy throws, which would
 * turn the whole rule into an advisory note for one field.
 */
export function known(value: unknown): unknown {
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, index) => readKnown(() => value[index]));
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.keys(value).map((key) => [key, readKnown(() => value[key])]));
}

export const knownResource = (resource: { type: string; name: string; props: unknown }): Resource => ({
    type: resource.type,
    name: resource.name,
    props: objectAt(known(resource.props)),
});

/** The pod a workload runs, wherever its kind keeps it. */
export interface PodView {
    kind: string;
    name: string;
    namespace?: string;
    labels: Labels;
    annotations: Labels;
    spec: JsonObject;
}

/** Where each workload kind keeps its pod template (a Pod is its own). */
const TEMPLATE_PATHS = new Map<string, string[]>([
    ["Pod", []],
    ["PodTemplate", ["template"]],
    ["Deployment", ["spec", "template"]],
    ["StatefulSet", ["spec", "template"]],
    ["DaemonSet", ["spec", "template"]],
    ["ReplicaSet", ["spec", "template"]],
    ["ReplicationController", ["spec", "template"]],
    ["Job", ["spec", "template"]],
    ["CronJob", ["spec", "jobTemplate", "spec", "template"]],
]);

/** A Kubernetes type token's kind, whatever its API version, a server-side-apply Patch as the kind it patches. */
export const kindOf = (type: string): string =>
    type.startsWith("kubernetes:") ? (type.split(":")[2] ?? "").replace(/Patch$/, "") : "";

export const nameOf = (resource: Resource): string => textAt(resource.props, "metadata", "name") ?? resource.name;

export function podOf(resource: Resource): PodView | undefined {
    const kind = kindOf(resource.type);
    const path = TEMPLATE_PATHS.get(kind);
    if (!path) return undefined;
    const template = objectAt(resource.props, ...path);
    return {
        kind,
        name: nameOf(resource),
        namespace: textAt(resource.props, "metadata", "namespace"),
        labels: labelsAt(template, "metadata", "labels"),
        annotations: labelsAt(template, "metadata", "annotations"),
        spec: objectAt(template, "spec"),
    };
}

export const podsOf = (resources: Resource[]): PodView[] => resources.flatMap((resource) => podOf(resource) ?? []);

/** "StatefulSet node-set-1": how messages name a workload. */
export const where = (pod: PodView): string => `${pod.kind} ${pod.name}`;

/** Every container of a pod: init, regular and ephemeral. */
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"];
export const containersOf = (spec: JsonObject): JsonObject[] =>
    CONTAINER_LISTS.flatMap((field) => objectsAt(spec, field));

export const containerName = (container: JsonObject): string => textAt(container, "name") ?? "a container";

/** The network's members: its nodes and its bootnode. */
export const MEMBER_NAMES = [NODE_NAME, BOOTNODE_IDENTITY.name];
export const isMember = (pod: PodView): boolean => MEMBER_NAMES.includes(pod.labels["app.kubernetes.io/name"]);
export const isNode = (pod: PodView): boolean => pod.labels["app.kubernetes.io/name"] === NODE_NAME;
/** node-3, bootnode, racecourse: what messages call a pod of the stack. */
export const instanceOf = (pod: PodView): string => pod.labels["app.kubernetes.io/instance"] ?? pod.name;

/** Whether two objects share a namespace; one without a namespace goes to the provider's, which may be it. */
export const sameNamespace = (one?: string, other?: string): boolean =>
    one === undefined || other === undefined || one === other;

function matchesExpression(expression: JsonObject, labels: Labels): boolean {
    const key = textAt(expression, "key") ?? "";
    const values = stringsAt(expression, "values");
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (textAt(expression, "operator")) {
        case "In":
            return has && values.includes(labels[key]);
        case "NotIn":
            return !has || !values.includes(labels[key]);
        case "Exists":
            return has;
        case "DoesNotExist":
            return !has;
        default:
            return false;
    }
}

/** Whether a label selector (matchLabels, matchExpressions) selects these labels; an empty one selects every pod, none selects none. */
export function selects(selector: unknown, labels: Labels): boolean {
    if (!isObject(selector)) return false;
    const byLabels = Object.entries(labelsAt(selector, "matchLabels")).every(([key, value]) => labels[key] === value);
    return (
        byLabels && objectsAt(selector, "matchExpressions").every((expression) => matchesExpression(expression, labels))
    );
}

export const isEmptySelector = (selector: unknown): boolean =>
    isObject(selector) &&
    Object.keys(labelsAt(selector, "matchLabels")).length === 0 &&
    objectsAt(selector, "matchExpressions").length === 0;

/** "a, b, c and 4 more": a list that stays readable at 50 nodes. */
export function listed(names: string[], shown = 6): string {
    const unique = [...new Set(names)];
    return unique.length <= shown
        ? unique.join(", ")
        : `${unique.slice(0, shown).join(", ")} and ${unique.length - shown} more`;
}

// Key material lives in Secrets or on volumes. Found by name (as a qdata folder's files would be
// keyed) and by content (whatever the key is called): a 64-hex-digit private key, an Ethereum
// keystore, a transaction manager key, a PEM private key.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { commandWords } from "./rpc";
import { containerName, containersOf, isObject, JsonObject, kindOf, knownResource, nameOf } from "./props";
import { objectAt, objectsAt, podOf, PodView, Resource, where } from "./props";

/** File names of key material in a qdata folder and elsewhere, as ConfigMap keys would carry them. */
const KEY_NAME = /(nodekey|tm\.key|\.key$|password|keystore|UTC--|private[-_.]?key)/i;
const HEX_KEY = /^(0x)?[0-9a-f]{64}$/i;
const PEM_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function parsedJson(text: string): unknown {
    if (!/^[[{]/.test(text)) return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        return undefined;
    }
}

/** Whether some field anywhere in a JSON value passes the test. */
function hasField(value: unknown, test: (key: string, field: unknown) => boolean): boolean {
    if (Array.isArray(value)) return value.some((item) => hasField(item, test));
    if (!isObject(value)) return false;
    return Object.entries(value).some(([key, field]) => test(key, field) || hasField(field, test));
}

/** What key material a text is, if it is one. */
export function keyContent(text: string): string | undefined {
    const trimmed = text.trim();
    if (HEX_KEY.test(trimmed)) return "a 64-hex-digit private key";
    if (PEM_KEY.test(text)) return "a PEM private key";
    const json = parsedJson(trimmed);
    // An Ethereum keystore keeps its encrypted key under "crypto" (older geth: "Crypto").
    if (hasField(json, (key, field) => /^crypto$/i.test(key) && isObject(field))) return "an Ethereum keystore";
    // Constellation's tm.key and Tessera's are {"data":{"bytes":...}}; Tessera's config may inline "privateKey".
    const isPrivateKey = (key: string, field: unknown) =>
        (key === "bytes" || key === "privateKey") && typeof field === "string" && field.length > 0;
    if (hasField(json, isPrivateKey)) return "a transaction manager private key";
    return undefined;
}

/** The entries of a ConfigMap, binaryData decoded, each with why it is key material. */
function configMapKeys(resource: Resource): string[] {
    const text = Object.entries(objectAt(resource.props, "data"));
    const decoded = (value: unknown) =>
        typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : value;
    const binary = Object.entries(objectAt(resource.props, "binaryData")).map(
        ([key, value]) => [key, decoded(value)] as const,
    );
    return [...text, ...binary].flatMap(([key, value]) => {
        const content = typeof value === "string" ? keyContent(value) : undefined;
        if (content !== undefined) return [`${key} (${content})`];
        return KEY_NAME.test(key) ? [key] : [];
    });
}

function containerKeys(pod: PodView, container: JsonObject): string[] {
    const name = `${where(pod)}: ${containerName(container)}`;
    const inEnv = objectsAt(container, "env").flatMap((variable) => {
        const content = typeof variable.value === "string" ? keyContent(variable.value) : undefined;
        return content === undefined
            ? []
            : [
                  `${name}: env ${String(variable.name)} holds ${content}; take it from a Secret (valueFrom.secretKeyRef)`,
              ];
    });
    const onCommandLine = commandWords(container).some((word) => /^--?nodekeyhex(=|$)/.test(word));
    return onCommandLine
        ? [
              ...inEnv,
              `${name}: --nodekeyhex puts the node key in the pod's spec; geth reads it from the nodekey file on its volume`,
          ]
        : inEnv;
}

export const noKeyMaterial: ResourceValidationPolicy = {
    name: "no-key-material-outside-secrets",
    description:
        "Node keys, transaction manager keys, keystores and passwords live in Secrets or on volumes: " +
        "never in a ConfigMap (by name or by content), a container's env value or its command line.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const resource = knownResource(args);
        if (kindOf(resource.type) === "ConfigMap") {
            const keys = configMapKeys(resource);
            if (keys.length > 0)
                reportViolation(
                    `ConfigMap ${nameOf(resource)} holds key material: ${keys.join(", ")}; put it in a Secret`,
                );
        }
        const pod = podOf(resource);
        if (pod)
            for (const message of containersOf(pod.spec).flatMap((container) => containerKeys(pod, container)))
                reportViolation(message);
    },
};

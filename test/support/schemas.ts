// Validates rendered objects against the upstream Kubernetes OpenAPI schemas (kubernetes-models).
interface Validatable {
    validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/** "kubernetes:apps/v1:StatefulSet" -> kubernetes-models/apps/v1/StatefulSet; the core group lives at v1/. */
export function modelFor(pulumiType: string): ModelClass {
    const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(pulumiType);
    if (!match) throw new Error(`not a Kubernetes resource type: ${pulumiType}`);
    const [, group, version, kind] = match;
    const modulePath =
        group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(modulePath) as Record<string, ModelClass>;
    return module[kind];
}

export function validateObject(pulumiType: string, object: Record<string, unknown>): void {
    const Model = modelFor(pulumiType);
    new Model(revealSecrets(object) as Record<string, unknown>).validate();
}

/** The engine's wire form of a secret value, as mocks record it. */
export const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** The object with every secret replaced by its value: the schema is about the value. */
export function revealSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(revealSecrets);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIGNATURE] === SECRET_SIG_VALUE) return revealSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, revealSecrets(item)]));
}

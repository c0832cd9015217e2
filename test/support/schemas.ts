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
    const modulePath = group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(modulePath) as Record<string, ModelClass>;
    return module[kind];
}

export function validateObject(pulumiType: string, object: Record<string, unknown>): void {
    const Model = modelFor(pulumiType);
    new Model(object).validate();
}

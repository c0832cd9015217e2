// Looking things up in a program run's recorded resources.
import { strict as assert } from "assert";
import { ProgramRun, RecordedResource } from "./program";

export function named(run: ProgramRun, name: string): RecordedResource {
    const found = run.resources.find((resource) => resource.name === name);
    assert.ok(found, `no resource named ${name}; have ${run.resources.map((r) => r.name).join(", ")}`);
    return found;
}

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((resource) => resource.type === type);
}

export interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: { name: string; value: string }[];
    ports?: { containerPort: number }[];
}

export function podSpec(run: ProgramRun, index: number): { containers: Container[]; initContainers: Container[] } {
    return named(run, `quorum-node-${index}-set`).inputs.spec.template.spec;
}

export function container(run: ProgramRun, index: number, name: string): Container {
    const found = podSpec(run, index).containers.find((c) => c.name === name);
    assert.ok(found, `node ${index} has no ${name} container`);
    return found;
}

/** One file of a minikube seed Command's manifest: its mode, role, and the program's text for a rendered one. */
export interface ManifestFile {
    mode: string;
    role: string;
    text?: string;
}

/** The files a minikube seed Command lays, by path. */
export function seedManifest(seed: RecordedResource): Record<string, ManifestFile> {
    return manifestOf(seed.inputs.environment as Record<string, string>);
}

/** The files a minikube seed's environment (scripts/seed-qdata.sh's) names, by path. */
export function manifestOf(environment: Record<string, string>): Record<string, ManifestFile> {
    const files: Record<string, ManifestFile> = {};
    for (const line of environment.SEED_MANIFEST.split("\n")) {
        const [mode, role, file, variable] = line.split(" ");
        files[file] = { mode, role, ...(variable ? { text: environment[variable] } : {}) };
    }
    return files;
}

/** The text the program rendered for `file` into member `index`'s minikube seed. */
export function seededText(run: ProgramRun, index: number, file: string): string | undefined {
    return seedManifest(named(run, `quorum-node-${index}-qdata-seed`))[file]?.text;
}

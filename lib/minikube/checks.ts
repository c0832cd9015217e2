// Read-only checks of the local machine, run on every preview and update (Command invokes).
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { distinctImages, NetworkConfig } from "../config/config";

function lastLine(text: string | undefined): string {
    return (text ?? "").trim().split("\n").pop()?.trim() ?? "";
}

/** Fails, saying what to run, unless the profile runs and the context exists; returns the node IP. */
export async function preflight(config: NetworkConfig): Promise<string> {
    const result = await command.local.run({
        command: "bash scripts/preflight.sh",
        environment: { MINIKUBE_PROFILE: config.minikubeProfile, KUBE_CONTEXT: config.kubeContext },
    });
    // An invoke's output is not streamed to the console; pass the script's progress on.
    if (result.stderr?.trim()) await pulumi.log.info(result.stderr.trim());
    return lastLine(result.stdout);
}

/** Each configured image's id in the local Docker daemon ("absent" when it has none). */
export async function localImageIds(config: NetworkConfig): Promise<Record<string, string>> {
    const ids = await Promise.all(
        distinctImages(config).map(async (image) => {
            const result = await command.local.run({ command: "bash scripts/image.sh local-id", environment: { IMAGE: image } });
            return [image, lastLine(result.stdout)] as const;
        }),
    );
    return Object.fromEntries(ids);
}

// Read-only checks of the local machine, run on every preview and update (Command invokes).
import { locallyBuiltImages, NetworkConfig } from "../config/model";
import { lastLine, runCheck } from "../localCheck";

/** Fails, saying what to run, unless the profile runs and the context exists; returns the node IP. */
export async function preflight(config: NetworkConfig): Promise<string> {
    const result = await runCheck("bash scripts/preflight.sh", { MINIKUBE_PROFILE: config.minikubeProfile, KUBE_CONTEXT: config.kubeContext });
    return lastLine(result.stdout);
}

/** Each configured image's id in the local Docker daemon ("absent" when it has none). */
export async function localImageIds(config: NetworkConfig): Promise<Record<string, string>> {
    const ids = await Promise.all(
        locallyBuiltImages(config).map(async (image) => {
            const result = await runCheck("bash scripts/image.sh local-id", { IMAGE: image });
            return [image, lastLine(result.stdout)] as const;
        }),
    );
    return Object.fromEntries(ids);
}

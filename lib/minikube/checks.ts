// Read-only checks of the local machine, run on every preview and update (Command invokes).
import * as pulumi from "@pulumi/pulumi";
import { locallyBuiltImages, NetworkConfig } from "../model/network";
import { stackRequests } from "./sizing";
import { lastLine, runCheck } from "../localCheck";
import { checkCapacity, parseNodeCapacity, policyEngineWarning } from "./capacity";
import { ingressAddressOf, ingressNotices, readIngressRoute } from "./ingressRoute";

/**
 * Fails, saying what to run, unless the profile runs, the context exists and the node can hold
 * the stack's pods; warns when policies would guard nothing. Returns where this host reaches the
 * ingress: the node IP, or 127.0.0.1 where the profile's driver needs `minikube tunnel`, said so.
 */
export async function preflight(config: NetworkConfig, hostOs: NodeJS.Platform = process.platform): Promise<string> {
    const result = await runCheck("bash scripts/preflight.sh", {
        MINIKUBE_PROFILE: config.minikubeProfile,
        KUBE_CONTEXT: config.kubeContext,
    });
    const capacity = parseNodeCapacity(
        (await runCheck("bash scripts/node-capacity.sh", { KUBE_CONTEXT: config.kubeContext })).stdout,
    );
    checkCapacity(stackRequests(config), capacity.allocatable, config.minikubeProfile);
    const warning = config.networkPolicy && policyEngineWarning(capacity, config.minikubeProfile);
    if (warning) await pulumi.log.warn(warning);
    const { facts, route } = await readIngressRoute(config.minikubeProfile, hostOs, runCheck);
    for (const notice of ingressNotices(config.minikubeProfile, facts, route)) await pulumi.log.warn(notice);
    return ingressAddressOf(route, lastLine(result.stdout));
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

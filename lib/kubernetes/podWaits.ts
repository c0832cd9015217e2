// Waiting for one pod of the network to be gone or Ready, through the pod listing every reader shares.
import { pollUntil } from "../poll";
import { Kube } from "./kubectl";

const POLL_MS = 2000;

export async function waitPodGone(kube: Kube, pod: string, timeoutMs: number): Promise<void> {
    await pollUntil(
        `pod ${pod} gone`,
        async () => ((await kube.pods()).some((listed) => listed.name === pod) ? undefined : true),
        { timeoutMs, intervalMs: POLL_MS },
    );
}

export async function waitPodReady(kube: Kube, pod: string, timeoutMs: number): Promise<void> {
    await pollUntil(
        `pod ${pod} Ready`,
        async () => ((await kube.pods()).find((listed) => listed.name === pod)?.ready ? true : undefined),
        { timeoutMs, intervalMs: POLL_MS },
    );
}

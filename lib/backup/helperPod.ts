// The short-lived pod that copies a member's volume (backup out, restore in): rendered here, as the
// stack's own pods are, and handed to the copy scripts as `kubectl run --overrides`.
import { POD_SECURITY_CONTEXT } from "../network/security";

/** What every helper pod carries: the NetworkPolicy that cuts them off from the network selects it. */
export const HELPER_LABELS: Record<string, string> = { "app.kubernetes.io/name": "quorum-volume-copy", "app.kubernetes.io/part-of": "kaleido-quorum" };
/** It sleeps while tar streams through `kubectl exec`: little CPU, the stream's buffers in memory. */
const HELPER_RESOURCES = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const MOUNT = "/qdata";

export interface HelperPodRequest {
    /** The member's claim. */
    claim: string;
    /** The member's own image: it has sh and tar. */
    image: string;
    imagePullPolicy: string;
    imagePullSecrets: string[];
    /** A backup only reads. */
    readOnly: boolean;
}

/** The pod as `kubectl run --overrides` takes it (JSON). */
export function helperPodOverrides(request: HelperPodRequest): string {
    const { claim, image, imagePullPolicy, imagePullSecrets, readOnly } = request;
    return JSON.stringify({
        apiVersion: "v1",
        metadata: { labels: HELPER_LABELS },
        spec: {
            // Nothing of it to wait 30 s for on delete: it only sleeps.
            terminationGracePeriodSeconds: 1,
            automountServiceAccountToken: false,
            securityContext: POD_SECURITY_CONTEXT,
            imagePullSecrets: imagePullSecrets.map((name) => ({ name })),
            volumes: [{ name: "qdata", persistentVolumeClaim: { claimName: claim, readOnly } }],
            containers: [
                {
                    name: "copy",
                    image,
                    imagePullPolicy,
                    command: ["sleep", "3600"],
                    resources: HELPER_RESOURCES,
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [{ name: "qdata", mountPath: MOUNT, readOnly }],
                },
            ],
        },
    });
}

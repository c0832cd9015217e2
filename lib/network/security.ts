// What every pod and container of the network is allowed: the container runtime's seccomp filter,
// no capability and no privilege escalation; a read-only root filesystem where the image writes
// only under /qdata and /tmp (a scratch emptyDir). docs/REFERENCE.md "Security" says what each image allows.
import * as k8s from "@pulumi/kubernetes";

export const POD_SECURITY_CONTEXT: k8s.types.input.core.v1.PodSecurityContext = {
    seccompProfile: { type: "RuntimeDefault" },
};

/** A pod whose image runs as `uid` (its own user): never root, the volumes writable to its group. */
export function nonRootPod(uid: number): k8s.types.input.core.v1.PodSecurityContext {
    return { ...POD_SECURITY_CONTEXT, runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid };
}

/**
 * Pod Security Admission on the namespace the stack creates: the API server refuses any pod below
 * "baseline" (which every pod here meets: no host namespaces, privilege or added capability), and
 * warns and audits below "restricted", which asks a non-root user the images do not set.
 */
export const POD_SECURITY_LABELS: Record<string, string> = {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
};

export const SCRATCH_VOLUME: k8s.types.input.core.v1.Volume = { name: "tmp", emptyDir: {} };
const SCRATCH_MOUNT: k8s.types.input.core.v1.VolumeMount = { name: "tmp", mountPath: "/tmp" };

/**
 * read-only: the image writes nothing outside its volumes (geth, bootnode, Tessera, the seed
 * shell, the project's racecourse app). writable: an image whose writes nobody here could check
 * (the seed's quorum-tools images run a Node.js boot script; a racecourse image of the user's).
 */
export type RootFilesystem = "read-only" | "writable";

/** The container with its security context, and on a read-only root the scratch /tmp. */
export function hardened<T extends k8s.types.input.core.v1.Container>(container: T, root: RootFilesystem): T {
    const readOnly = root === "read-only";
    return {
        ...container,
        securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: readOnly,
        },
        ...(readOnly
            ? {
                  volumeMounts: [
                      ...((container.volumeMounts as k8s.types.input.core.v1.VolumeMount[] | undefined) ?? []),
                      SCRATCH_MOUNT,
                  ],
              }
            : {}),
    };
}

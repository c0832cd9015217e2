import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

export interface LocalImage {
    name: string;
    /** The image's id in the local Docker daemon, or "absent". */
    localId: string;
}

export interface MinikubeSetupArgs {
    minikubeProfile: string;
    enableIngressAddon: boolean;
    /** Empty when images are not to be loaded; each name once. */
    images: LocalImage[];
}

/** Readies the minikube profile: the ingress addon, and the locally built images loaded into it. */
export class MinikubeSetup extends pulumi.ComponentResource {
    readonly ingressAddon?: command.local.Command;
    /** By image name. */
    readonly imageLoads: Map<string, command.local.Command>;

    constructor(name: string, args: MinikubeSetupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kaleido:quorum:MinikubeSetup", name, {}, opts);
        const profile = args.minikubeProfile;
        if (args.enableIngressAddon) {
            this.ingressAddon = new command.local.Command(
                `${name}-ingress-addon`,
                {
                    create: "bash scripts/minikube-addon.sh enable",
                    delete: "bash scripts/minikube-addon.sh disable",
                    environment: { MINIKUBE_PROFILE: profile, ADDON: "ingress" },
                },
                { parent: this },
            );
        }
        this.imageLoads = new Map(
            args.images.map((image) => [
                image.name,
                new command.local.Command(
                    `${name}-image-${image.name.replace(/[^A-Za-z0-9]+/g, "-")}`,
                    {
                        create: "bash scripts/image.sh load",
                        environment: { MINIKUBE_PROFILE: profile, IMAGE: image.name },
                        // Re-load only when the local image was rebuilt.
                        triggers: [image.localId],
                    },
                    { parent: this },
                ),
            ]),
        );
        this.registerOutputs({});
    }

    /** What a workload using these images must wait for. */
    loadsOf(...images: string[]): command.local.Command[] {
        return images.flatMap((image) => this.imageLoads.get(image) ?? []);
    }
}

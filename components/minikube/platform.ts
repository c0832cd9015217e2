import * as pulumi from "@pulumi/pulumi";
import { qdataFolderName } from "../../lib/model/paths";
import { QdataMember } from "../../lib/model/qdata";
import { seedIdAt } from "../../lib/network/workload";
import { MemberStorage, MemberStorageRequest, Platform } from "../network/platform";
import { LocalImage, MinikubeSetup } from "./minikubeSetup";
import { NetworkSeed } from "./networkSeed";
import { QdataVolume } from "./qdataVolume";

export interface MinikubeSettings {
    profile: string;
    enableIngressAddon: boolean;
    /** Empty when images are not to be loaded. */
    images: LocalImage[];
    /** Host folder on the node holding qdata_0..N. */
    hostPathRoot: string;
    volumeSize: string;
    keepChainData: boolean;
    /** Who the host folders belong to (project/stack): a folder another owner seeded is refused. */
    owner: string;
}

/** minikube: the ingress addon and image loads first, then hostPath PVs, all seeded by one Command over one minikube cp and ssh. */
export class MinikubePlatform implements Platform {
    readonly spreadsNodes = false;
    private setup?: MinikubeSetup;
    private networkSeed?: NetworkSeed;

    constructor(private readonly settings: MinikubeSettings) {}

    prepare(name: string, opts: pulumi.ComponentResourceOptions): void {
        const { profile, enableIngressAddon, images, owner } = this.settings;
        this.setup = new MinikubeSetup(
            `${name}-minikube`,
            { minikubeProfile: profile, enableIngressAddon, images },
            opts,
        );
        this.networkSeed = new NetworkSeed(`${name}-qdata-seed`, { profile, owner }, { parent: opts.parent });
    }

    imagesReady(images: string[]): pulumi.Resource[] {
        return this.setup?.loadsOf(...images) ?? [];
    }

    ingressReady(): pulumi.Resource[] {
        return this.setup?.ingressAddon ? [this.setup.ingressAddon] : [];
    }

    storage(name: string, request: MemberStorageRequest, opts: pulumi.ComponentResourceOptions): MemberStorage {
        const { profile, volumeSize, keepChainData, owner } = this.settings;
        const { networkSeed } = this;
        if (!networkSeed) throw new Error("prepare() declares the network's seed before any member's storage");
        const seedId = this.seedId(request.member, request.runtimeName);
        return new QdataVolume(
            name,
            {
                ...request,
                hostPath: this.hostPathOf(request.member),
                seedId,
                volumeSize,
                minikubeProfile: profile,
                keepChainData,
                owner,
                networkSeed,
            },
            opts,
        );
    }

    membersDeclared(): void {
        this.networkSeed?.seal();
    }

    seedId(member: QdataMember, runtimeName?: string): string {
        return seedIdAt(member, this.hostPathOf(member), runtimeName);
    }

    private hostPathOf(member: QdataMember): string {
        return `${this.settings.hostPathRoot}/${qdataFolderName(member.index)}`;
    }
}
